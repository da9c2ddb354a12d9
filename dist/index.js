import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-QIZLY2O3.js";
import "./chunks/chunk-TBUJ64JI.js";

// src/index.ts
await run();
