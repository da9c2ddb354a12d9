import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-3KBUH6DO.js";
import "./chunks/chunk-EW6GV42H.js";

// src/index.ts
await run();
