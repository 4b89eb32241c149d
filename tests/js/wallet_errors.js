// Sends bad transactions (and calls) to a node through ethers v6 and viem v2 exactly as a
// dApp does, and reports how each library classifies the node's refusal, for the
// end-to-end test `tests/tests/wallet_errors.rs`.
// Usage: node tests/js/wallet_errors.js < request.json
//   (NODE_PATH = node_modules with `ethers` and `viem`, installed by the deploy crate's npm
//   installer).
// Request: { url, chainId, library: "ethers" | "viem", cases: [{ id, steps: [step, …] }] }.
// A step is { rpc: method, params } (a raw JSON-RPC call, e.g. evm_setAutomine), or
// { label, action: "send" | "call" | "sendRaw", key, tx, raw } where tx has `to`, `value`, `data`,
// `gas`, `nonce`, `maxFeePerGas`, `maxPriorityFeePerGas`, `gasPrice` (integers as decimal
// strings, absent fields left for the library to fill):
//   send    — ethers: new Wallet(key, new JsonRpcProvider(url)).sendTransaction(tx);
//             viem: createWalletClient({ account: privateKeyToAccount(key) }).sendTransaction(tx)
//   call    — ethers: provider.call(tx); viem: createPublicClient().call(tx)
//   sendRaw — `raw` (a transaction signed by the caller, one both libraries refuse to
//             sign): ethers: provider.broadcastTransaction(raw); viem:
//             walletClient.sendRawTransaction, its error classified by viem's
//             getTransactionError as sendTransaction's is. This reaches the node where
//             the libraries refuse the request themselves.
// Prints one JSON line per action step: { id, step (its label, else its index), ok, hash?, class?, nodeCode?, nodeMessage?,
// data?, reason? }. `class` is, for viem, the first of the node-error classes below on the
// error's cause chain (err.walk), and for ethers `err.code`. `nodeCode`/`nodeMessage`/`data`
// are the node's JSON-RPC error when the library got one (absent when the library refused
// the request itself).
'use strict';
const fs = require('fs');

const VIEM_CLASSES = [
  'ExecutionRevertedError',
  'FeeCapTooHighError',
  'FeeCapTooLowError',
  'NonceTooHighError',
  'NonceTooLowError',
  'NonceMaxValueError',
  'InsufficientFundsError',
  'IntrinsicGasTooHighError',
  'IntrinsicGasTooLowError',
  'TransactionTypeNotSupportedError',
  'TipAboveFeeCapError',
  'UnknownNodeError',
];

function fail(message) {
  console.error(`wallet_errors: ${message}`);
  process.exit(1);
}

const big = (v) => (v === undefined || v === null ? undefined : BigInt(v));

async function rawRpc(url, method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

// ------------------------------------------------------------------ viem

function viemSetup(url, chainId) {
  const viem = require('viem');
  const chain = viem.defineChain({
    id: chainId,
    name: 'stylus-devnode',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const transport = viem.http(url, { retryCount: 0 });
  return { viem, chain, transport, publicClient: viem.createPublicClient({ chain, transport }) };
}

function viemTx(tx) {
  const out = {};
  if (tx.to !== undefined) out.to = tx.to;
  if (tx.data !== undefined) out.data = tx.data;
  for (const k of ['value', 'gas', 'maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice']) {
    if (tx[k] !== undefined) out[k] = big(tx[k]);
  }
  if (tx.nonce !== undefined) out.nonce = Number(tx.nonce);
  return out;
}

function viemReport(err) {
  const report = { ok: false, class: 'none' };
  if (typeof err.walk !== 'function') {
    report.class = `not a viem error: ${err.name}`;
    report.detail = String(err.message);
    return report;
  }
  const found = err.walk((e) => VIEM_CLASSES.includes(e && e.name));
  if (found) report.class = found.name;
  const rpc = err.walk((e) => e && e.name === 'RpcRequestError');
  if (rpc) {
    report.nodeCode = rpc.code;
    report.nodeMessage = rpc.details;
    if (rpc.data !== undefined) report.data = rpc.data;
  }
  if (found && found.name === 'ExecutionRevertedError') report.reason = found.shortMessage;
  report.detail = err.shortMessage;
  return report;
}

async function viemStep(ctx, step) {
  const { viem, chain, transport, publicClient } = ctx;
  const { privateKeyToAccount } = require('viem/accounts');
  const { getTransactionError } = require('viem/utils');
  try {
    if (step.action === 'call') {
      const out = await publicClient.call(viemTx(step.tx));
      return { ok: true, data: out.data };
    }
    const account = privateKeyToAccount(step.key);
    const wallet = viem.createWalletClient({ account, chain, transport });
    if (step.action === 'send') {
      return { ok: true, hash: await wallet.sendTransaction(viemTx(step.tx)) };
    }
    if (step.action === 'sendRaw') {
      try {
        return {
          ok: true,
          hash: await wallet.sendRawTransaction({ serializedTransaction: step.raw }),
        };
      } catch (e) {
        throw getTransactionError(e, { account, chain });
      }
    }
    fail(`unknown action ${step.action}`);
  } catch (err) {
    return viemReport(err);
  }
}

// ------------------------------------------------------------------ ethers

function ethersSetup(url, chainId) {
  const ethers = require('ethers');
  const provider = new ethers.JsonRpcProvider(url, chainId, { staticNetwork: true });
  return { ethers, provider };
}

function ethersTx(tx) {
  const out = {};
  if (tx.to !== undefined) out.to = tx.to;
  if (tx.data !== undefined) out.data = tx.data;
  for (const k of ['value', 'maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice']) {
    if (tx[k] !== undefined) out[k] = big(tx[k]);
  }
  if (tx.gas !== undefined) out.gasLimit = big(tx.gas);
  if (tx.nonce !== undefined) out.nonce = Number(tx.nonce);
  return out;
}

function ethersReport(err) {
  const report = { ok: false, class: err.code || `not an ethers error: ${err.name}` };
  const node = (err.info && err.info.error) || err.error;
  if (node && typeof node.message === 'string') {
    report.nodeCode = node.code;
    report.nodeMessage = node.message;
    if (node.data !== undefined) report.data = node.data;
  }
  if (err.code === 'CALL_EXCEPTION') {
    report.data = err.data;
    report.reason = err.reason;
  }
  report.detail = err.shortMessage;
  return report;
}

async function ethersStep(ctx, step) {
  const { ethers, provider } = ctx;
  try {
    if (step.action === 'call') {
      return { ok: true, data: await provider.call(ethersTx(step.tx)) };
    }
    if (step.action === 'send') {
      const wallet = new ethers.Wallet(step.key, provider);
      const sent = await wallet.sendTransaction(ethersTx(step.tx));
      return { ok: true, hash: sent.hash };
    }
    if (step.action === 'sendRaw') {
      const sent = await provider.broadcastTransaction(step.raw);
      return { ok: true, hash: sent.hash };
    }
    fail(`unknown action ${step.action}`);
  } catch (err) {
    return ethersReport(err);
  }
}

// ------------------------------------------------------------------ main

async function main() {
  let request;
  try {
    request = JSON.parse(fs.readFileSync(0, 'utf8'));
  } catch (e) {
    fail(`stdin is not a JSON request: ${e.message}`);
  }
  const { url, chainId, library, cases } = request;
  let ctx;
  let run;
  if (library === 'viem') {
    ctx = viemSetup(url, chainId);
    run = viemStep;
  } else if (library === 'ethers') {
    ctx = ethersSetup(url, chainId);
    run = ethersStep;
  } else {
    fail(`unknown library ${JSON.stringify(library)} (want "ethers" or "viem")`);
  }
  for (const c of cases) {
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      if (step.rpc) {
        await rawRpc(url, step.rpc, step.params || []);
        continue;
      }
      const result = await run(ctx, step);
      console.log(JSON.stringify({ id: c.id, step: step.label === undefined ? i : step.label, ...result }));
    }
  }
  if (ctx.provider) ctx.provider.destroy();
}

main().catch((e) => fail(e.stack || String(e)));
