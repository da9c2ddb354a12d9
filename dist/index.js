import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-SYFXZ4WD.js";
import "./chunks/chunk-GDYFA5VL.js";

// src/index.ts
await run();
