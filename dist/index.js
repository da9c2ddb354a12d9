import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-J2M4GBHI.js";
import "./chunks/chunk-YQ3EII4A.js";

// src/index.ts
await run();
