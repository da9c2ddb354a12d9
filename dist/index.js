import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-GA6T3PFE.js";
import "./chunks/chunk-MMEXJCYC.js";
import "./chunks/chunk-M2BOLUYF.js";

// src/index.ts
await run();
