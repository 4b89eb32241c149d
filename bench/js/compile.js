// Compiles the Solidity baselines (bench/sol/*.sol) with solc-js and
// OpenZeppelin Contracts 5.x (optimizer on, 200 runs, evmVersion cancun).
// Usage: node bench/js/compile.js <out-dir>   (NODE_PATH = node_modules with
// `solc` and `@openzeppelin/contracts`). Writes <out-dir>/<Contract>.json with
// { abi, bytecode, deployedBytecode } for every contract defined in bench/sol.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const outDir = process.argv[2];
const solDir = path.join(__dirname, '..', 'sol');
const sources = {};
for (const f of fs.readdirSync(solDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(solDir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
function findImports(p) {
  for (const base of (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean)) {
    const full = path.join(base, p);
    if (fs.existsSync(full)) return { contents: fs.readFileSync(full, 'utf8') };
  }
  return { error: `not found: ${p}` };
}
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
let n = 0;
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(out.contracts[file] || {})) {
    const json = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(json));
    n++;
  }
}
console.log(`compiled ${n} contracts (solc ${solc.version()})`);
