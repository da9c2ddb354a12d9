import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-X2FBR37Y.js";
import "./chunks/chunk-EW6GV42H.js";

// src/index.ts
await run();
