#!/usr/bin/env node
import { flush, run } from '@oclif/core';
import { handleError } from '../dist/handle-error.js';

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (error) {
  handleError(error);
}
