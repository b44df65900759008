#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader: one way to run vshard, from a clone or an installed package.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
