// Compiles exported Solidity interfaces (abi/*.sol, written by `stylus-ip abi`)
// to JSON ABIs with solc-js. Usage: node sol2abi.js <in.sol> <out.json>
// A `// constructor(...)` comment line becomes the ABI's constructor entry
// (interfaces cannot declare constructors, so it is compiled in a stub).
'use strict';
const fs = require('fs');
const solc = require('solc');

const [input, output] = process.argv.slice(2);
const source = fs.readFileSync(input, 'utf8');
const iface = /interface\s+(\w+)/.exec(source);
if (!iface) throw new Error(`${input}: no interface`);
const ctor = /^\/\/\s*(constructor\([^)]*\)(\s+payable)?)\s*$/m.exec(source);
let stub = '';
if (ctor) {
  stub = `\ncontract __Constructor { ${ctor[1].replace(/\bcalldata\b/g, 'memory')} {} }\n`;
}
const req = {
  language: 'Solidity',
  sources: { 'I.sol': { content: source + stub } },
  settings: { outputSelection: { '*': { '*': ['abi'] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(req)));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
let abi = out.contracts['I.sol'][iface[1]].abi;
if (ctor) {
  abi = out.contracts['I.sol']['__Constructor'].abi.filter((e) => e.type === 'constructor').concat(abi);
}
fs.writeFileSync(output, JSON.stringify(abi, null, 2) + '\n');
