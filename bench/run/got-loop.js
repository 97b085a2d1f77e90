#!/usr/bin/env node
// The baseline: a minimal got loop that fetches the same pages as `connectors run bench` and
// writes the same Singer lines (SCHEMA, then one RECORD line per record) on stdout, waiting for
// drain like the engine does. Usage: node got-loop.js <base_url> [page_size]
import { once } from 'node:events';
import got from 'got';

const [base, size = '1000'] = process.argv.slice(2);
const pageSize = Number(size);
const prefix = '{"type":"RECORD","stream":"items","record":';
process.stdout.write(`${JSON.stringify({ type: 'SCHEMA', stream: 'items', schema: { type: 'object', additionalProperties: true }, key_properties: ['id'] })}\n`);
for (let offset = 0; ; ) {
  const body = await got(`${base}/offset`, { searchParams: { offset, limit: pageSize } }).json();
  const items = body.items;
  let chunk = '';
  for (const record of items) chunk += `${prefix}${JSON.stringify(record)}}\n`;
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  if (items.length < pageSize) break;
  offset += items.length;
}
