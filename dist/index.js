import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-6U57CSGS.js";
import "./chunks/chunk-FZW7QRAZ.js";
import "./chunks/chunk-M2BOLUYF.js";

// src/index.ts
await run();
