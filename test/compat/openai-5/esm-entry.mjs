// ESM entry of this compat copy for child-process tests: `openai` resolves from this folder (with the
// package's own export conditions), so `import(thisFileUrl)` loads this major's index.mjs.
export * from 'openai';
export { default } from 'openai';
