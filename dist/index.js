import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-VA4TW6C2.js";
import "./chunks/chunk-GDYFA5VL.js";

// src/index.ts
await run();
