import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-HP6SVX3B.js";
import "./chunks/chunk-TBUJ64JI.js";

// src/index.ts
await run();
