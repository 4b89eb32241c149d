// Compiles the test contracts (tests/sol/*.sol: attackers, a test ERC-20)
// with solc-js for the end-to-end tests (`stylus_ip_tests::sol`).
// Usage: node tests/js/compile.js   (NODE_PATH = node_modules with `solc`).
// Prints one line per contract: `<Name> <creation bytecode hex>`.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

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
    outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(out.contracts[file] || {})) {
    if (c.evm.bytecode.object) console.log(`${name} ${c.evm.bytecode.object}`);
  }
}
