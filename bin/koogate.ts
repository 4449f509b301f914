#!/usr/bin/env node
/**
 * The `koogate` executable (package.json "bin"). reflect-metadata must load before any adapter class
 * is imported: their decorators record constructor metadata for the container.
 */
import "reflect-metadata";
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
