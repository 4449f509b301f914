#!/usr/bin/env node
/**
 * The `koogate` executable (package.json "bin"). reflect-metadata must load before any adapter class
 * is imported: their decorators record constructor metadata for the container.
 */
import "reflect-metadata";
import { runAsProcess } from "./cli.js";

await runAsProcess(process.argv.slice(2));
