// Signs EIP-712 typed data the way investors' wallets do, with ethers v6
// (`Wallet.signTypedData`) or viem v2 (`privateKeyToAccount(...).signTypedData`),
// for the end-to-end tests (`stylus_ip_tests::js::sign_typed_data`).
// Usage: node tests/js/sign_typed_data.js < request.json
//   (NODE_PATH = node_modules with `ethers` and `viem`, installed by the
//   deploy crate's npm installer).
// Request: { library: "ethers" | "viem", privateKey: "0x…", domain: {…},
//   types: { <Type>: [{ name, type }, …], … }, primaryType, message: {…} }.
// `types` may or may not list EIP712Domain: both libraries derive the domain's
// type from the fields `domain` has. Integers may be JSON numbers or decimal
// or 0x strings. Prints the 65-byte signature (r ‖ s ‖ v) as 0x-hex.
'use strict';
const fs = require('fs');

function fail(message) {
  console.error(`sign_typed_data: ${message}`);
  process.exit(1);
}

// `value` (of Solidity type `type`) with every integer as a BigInt, as viem
// wants them; structs and arrays walked through `types`.
function bigints(types, type, value) {
  const array = type.match(/^(.*)\[(\d*)\]$/);
  if (array) {
    if (!Array.isArray(value)) fail(`${type}: expected an array`);
    return value.map((v) => bigints(types, array[1], v));
  }
  if (types[type]) {
    const out = {};
    for (const field of types[type]) {
      if (!(field.name in value)) fail(`${type}.${field.name} is missing`);
      out[field.name] = bigints(types, field.type, value[field.name]);
    }
    return out;
  }
  if (/^u?int\d*$/.test(type)) return BigInt(value);
  return value;
}

async function main() {
  let request;
  try {
    request = JSON.parse(fs.readFileSync(0, 'utf8'));
  } catch (e) {
    fail(`stdin is not a JSON request: ${e.message}`);
  }
  const { library, privateKey, domain, primaryType, message } = request;
  const types = { ...request.types };
  delete types.EIP712Domain;
  if (!types[primaryType]) fail(`primaryType ${primaryType} is not in types`);
  let signature;
  if (library === 'ethers') {
    const { Wallet, TypedDataEncoder } = require('ethers');
    const inferred = TypedDataEncoder.from(types).primaryType;
    if (inferred !== primaryType) fail(`ethers infers primary type ${inferred}, not ${primaryType}`);
    signature = await new Wallet(privateKey).signTypedData(domain, types, message);
  } else if (library === 'viem') {
    const { privateKeyToAccount } = require('viem/accounts');
    const viemDomain = { ...domain };
    if (viemDomain.chainId !== undefined) viemDomain.chainId = BigInt(viemDomain.chainId);
    signature = await privateKeyToAccount(privateKey).signTypedData({
      domain: viemDomain,
      types,
      primaryType,
      message: bigints(types, primaryType, message),
    });
  } else {
    fail(`unknown library ${JSON.stringify(library)} (want "ethers" or "viem")`);
  }
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) fail(`not a 65-byte signature: ${signature}`);
  console.log(signature);
}

main().catch((e) => fail(e.stack || String(e)));
