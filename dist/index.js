import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-GJOGJ7XY.js";
import "./chunks/chunk-NRHADYF3.js";

// src/index.ts
await run();
