//! Wallet compatibility of the devnode's errors: every bad transaction a dApp
//! can send — through ethers 6 (`Wallet.sendTransaction`, `provider.call`)
//! and viem 2 (`walletClient.sendTransaction` with a local account,
//! `publicClient.call`), exactly as a dApp calls them, by
//! `tests/js/wallet_errors.js` — must be classified by each library as it
//! classifies geth's answer to the same request:
//!
//! * insufficient funds, from the gas estimate (with and without fees, and
//!   with a legacy gas price) and from the send;
//! * nonce too low, nonce too high (automine refuses a nonce gap, as Nitro's
//!   sequencer does);
//! * intrinsic gas too low;
//! * max fee (or gas price) below the base fee, from the estimate and from the
//!   send;
//! * tip above the fee cap: both libraries refuse to sign it, so the node's
//!   answer is also checked with a transaction signed here and relayed
//!   through each library's raw send;
//! * replacement underpriced (automine off, the same nonce twice; 10 % more
//!   max fee and tip does replace);
//! * reverts with `Error(string)` and with a custom error, from the estimate
//!   and from `eth_call`: the revert data and reason reach the library;
//! * out of gas at the estimate's highest gas (`gas required exceeds
//!   allowance`).
//!
//! ethers has no class for some of these (nonce too high, intrinsic gas,
//! fees): it answers `UNKNOWN_ERROR` for a send and `CALL_EXCEPTION` for an
//! estimate, as it does against geth; viem has none for replacement
//! (`none`: its sendTransaction keeps the RPC error). The node's code and the
//! leading phrase of its message are checked for every case too.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::eip2718::Encodable2718;
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy_primitives::{hex, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolError};
use serde_json::{json, Value};
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};
use stylus_ip_tests::js::{self, Library};

sol! {
    /// The custom error the test contract reverts with.
    error NotLicensed(uint256 assetId);
}

const ETH: u128 = 1_000_000_000_000_000_000;
const GWEI: u128 = 1_000_000_000;
/// Where value goes.
const SINK: Address = Address::repeat_byte(0x5e);
/// Runtime that reverts with `Error("not yours")`.
const REVERT_STRING: Address = Address::repeat_byte(0xa1);
/// Runtime that reverts with `NotLicensed(7)`.
const REVERT_CUSTOM: Address = Address::repeat_byte(0xa2);
/// Runtime that loops until out of gas.
const ENDLESS: Address = Address::repeat_byte(0xa3);

/// What a library's request must end in.
#[derive(Clone, Debug)]
enum Want {
    /// Accepted.
    Sent,
    /// Refused: the library's class (viem: node-error class on the cause chain,
    /// `none` if none; ethers: `err.code`), and the node's code and message
    /// prefix (`None`: the library refused it without asking the node).
    Refused {
        class: &'static str,
        node: Option<(i64, String)>,
        /// Revert data the library must expose, and a text its reason must contain.
        revert: Option<(String, Option<&'static str>)>,
    },
}

fn refused(class: &'static str, code: i64, prefix: impl Into<String>) -> Want {
    Want::Refused {
        class,
        node: Some((code, prefix.into())),
        revert: None,
    }
}

/// Refused by the library itself, without asking the node.
fn local(class: &'static str) -> Want {
    Want::Refused {
        class,
        node: None,
        revert: None,
    }
}

fn reverted(class: &'static str, data: &[u8], reason: Option<&'static str>) -> Want {
    let message = match reason {
        Some(r) => format!("execution reverted: {r}"),
        None => "execution reverted".into(),
    };
    Want::Refused {
        class,
        node: Some((3, message)),
        revert: Some((format!("0x{}", hex::encode(data)), reason)),
    }
}

/// One request of a case.
struct Step {
    label: &'static str,
    /// Only through this library (`None`: both).
    only: Option<Library>,
    /// `send`, `call`, or `sendRaw` (`tx` signed here with the case's key, an
    /// EIP-1559 transaction).
    action: &'static str,
    /// Transaction fields; `{from}` in prefixes is the case account.
    tx: Value,
    viem: Want,
    ethers: Want,
}

struct Case {
    id: &'static str,
    balance: u128,
    nonce: u64,
    /// Raw JSON-RPC calls before and after the steps.
    before: Vec<(&'static str, Value)>,
    after: Vec<(&'static str, Value)>,
    steps: Vec<Step>,
}

fn step(label: &'static str, action: &'static str, tx: Value, viem: Want, ethers: Want) -> Step {
    Step {
        label,
        only: None,
        action,
        tx,
        viem,
        ethers,
    }
}

fn case(id: &'static str, steps: Vec<Step>) -> Case {
    Case {
        id,
        balance: ETH,
        nonce: 0,
        before: Vec::new(),
        after: Vec::new(),
        steps,
    }
}

fn wei(v: u128) -> String {
    v.to_string()
}

fn cases(error_string: &[u8], custom_error: &[u8]) -> Vec<Case> {
    let sink = SINK.to_string();
    let insufficient = "insufficient funds for gas * price + value: address {from}";
    let transfer = "insufficient funds for transfer";
    let fee_cap = "max fee per gas less than block base fee: address {from}, maxFeePerGas: 1, baseFee: 100000000";
    let tip = "max priority fee per gas higher than max fee per gas: address {from}, maxPriorityFeePerGas: 2000000000, maxFeePerGas: 1000000000";
    let replacement = |max_fee: u128, tip: u128| {
        json!({"to": sink, "value": "1", "nonce": "0", "gas": "21000",
               "maxFeePerGas": wei(max_fee), "maxPriorityFeePerGas": wei(tip)})
    };
    vec![
        // The reported bug: viem estimates with its fees filled in.
        case(
            "insufficient funds (estimate, library's fees)",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": wei(2 * ETH)}),
                refused("InsufficientFundsError", -32000, transfer),
                // ethers estimates before it fills the fees: the execution's balance check.
                refused("INSUFFICIENT_FUNDS", -32000, insufficient),
            )],
        ),
        case(
            "insufficient funds (estimate, maxFeePerGas)",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": wei(2 * ETH),
                       "maxFeePerGas": wei(GWEI), "maxPriorityFeePerGas": "0"}),
                refused("InsufficientFundsError", -32000, transfer),
                refused("INSUFFICIENT_FUNDS", -32000, transfer),
            )],
        ),
        case(
            "insufficient funds (estimate, gasPrice)",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": wei(2 * ETH), "gasPrice": wei(GWEI)}),
                refused("InsufficientFundsError", -32000, transfer),
                refused("INSUFFICIENT_FUNDS", -32000, transfer),
            )],
        ),
        case(
            "insufficient funds (send)",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": wei(ETH - 1000), "gas": "21000",
                       "maxFeePerGas": wei(GWEI), "maxPriorityFeePerGas": "0"}),
                refused("InsufficientFundsError", -32000, insufficient),
                refused("INSUFFICIENT_FUNDS", -32000, insufficient),
            )],
        ),
        Case {
            nonce: 3,
            ..case(
                "nonce too low",
                vec![step(
                    "send",
                    "send",
                    json!({"to": sink, "value": "1", "nonce": "1"}),
                    refused(
                        "NonceTooLowError",
                        -32000,
                        "nonce too low: address {from}, tx: 1 state: 3",
                    ),
                    refused(
                        "NONCE_EXPIRED",
                        -32000,
                        "nonce too low: address {from}, tx: 1 state: 3",
                    ),
                )],
            )
        },
        case(
            "nonce too high",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": "1", "nonce": "5"}),
                refused(
                    "NonceTooHighError",
                    -32000,
                    "nonce too high: address {from}, tx: 5 state: 0",
                ),
                refused(
                    "UNKNOWN_ERROR",
                    -32000,
                    "nonce too high: address {from}, tx: 5 state: 0",
                ),
            )],
        ),
        case(
            "intrinsic gas too low",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": "1", "gas": "20000"}),
                refused(
                    "IntrinsicGasTooLowError",
                    -32000,
                    "intrinsic gas too low: gas 20000, minimum needed 21000",
                ),
                refused(
                    "UNKNOWN_ERROR",
                    -32000,
                    "intrinsic gas too low: gas 20000, minimum needed 21000",
                ),
            )],
        ),
        case(
            "max fee below base fee (estimate)",
            vec![step(
                "send",
                "send",
                json!({"to": sink, "value": "1", "maxFeePerGas": "1", "maxPriorityFeePerGas": "0"}),
                refused("FeeCapTooLowError", -32000, fee_cap),
                refused("CALL_EXCEPTION", -32000, fee_cap),
            )],
        ),
        case(
            "max fee below base fee (send)",
            vec![
                step(
                    "eip1559",
                    "send",
                    json!({"to": sink, "value": "1", "gas": "21000",
                           "maxFeePerGas": "1", "maxPriorityFeePerGas": "0"}),
                    refused("FeeCapTooLowError", -32000, fee_cap),
                    refused("UNKNOWN_ERROR", -32000, fee_cap),
                ),
                step(
                    "legacy",
                    "send",
                    json!({"to": sink, "value": "1", "gas": "21000", "gasPrice": "1"}),
                    refused("FeeCapTooLowError", -32000, fee_cap),
                    refused("UNKNOWN_ERROR", -32000, fee_cap),
                ),
            ],
        ),
        case(
            "tip above fee cap",
            vec![
                step(
                    "estimate",
                    "send",
                    json!({"to": sink, "value": "1",
                           "maxFeePerGas": wei(GWEI), "maxPriorityFeePerGas": wei(2 * GWEI)}),
                    // viem refuses the request itself.
                    local("TipAboveFeeCapError"),
                    refused("CALL_EXCEPTION", -32000, tip),
                ),
                // With a gas limit both refuse to sign it.
                step(
                    "send",
                    "send",
                    json!({"to": sink, "value": "1", "gas": "21000",
                           "maxFeePerGas": wei(GWEI), "maxPriorityFeePerGas": wei(2 * GWEI)}),
                    local("TipAboveFeeCapError"),
                    local("BAD_DATA"),
                ),
                // Signed elsewhere and relayed through the library.
                step(
                    "raw",
                    "sendRaw",
                    json!({"to": sink, "value": "1", "nonce": "0", "gas": "21000",
                           "maxFeePerGas": wei(GWEI), "maxPriorityFeePerGas": wei(2 * GWEI)}),
                    refused("TipAboveFeeCapError", -32000, tip),
                    refused("UNKNOWN_ERROR", -32000, tip),
                ),
            ],
        ),
        Case {
            before: vec![("evm_setAutomine", json!([false]))],
            after: vec![("evm_setAutomine", json!([true]))],
            ..case(
                "replacement underpriced",
                vec![
                    step(
                        "first",
                        "send",
                        replacement(10 * GWEI, GWEI),
                        Want::Sent,
                        Want::Sent,
                    ),
                    step(
                        "+5 %",
                        "send",
                        replacement(10 * GWEI * 105 / 100, GWEI * 105 / 100),
                        refused("none", -32000, "replacement transaction underpriced"),
                        refused(
                            "REPLACEMENT_UNDERPRICED",
                            -32000,
                            "replacement transaction underpriced",
                        ),
                    ),
                    step(
                        "+10 % fee, +5 % tip",
                        "send",
                        replacement(11 * GWEI, GWEI * 105 / 100),
                        refused("none", -32000, "replacement transaction underpriced"),
                        refused(
                            "REPLACEMENT_UNDERPRICED",
                            -32000,
                            "replacement transaction underpriced",
                        ),
                    ),
                    step(
                        "+10 %",
                        "send",
                        replacement(11 * GWEI, GWEI * 110 / 100),
                        Want::Sent,
                        Want::Sent,
                    ),
                ],
            )
        },
        case(
            "revert Error(string)",
            vec![
                step(
                    "estimate",
                    "send",
                    json!({"to": REVERT_STRING.to_string(), "data": "0x"}),
                    reverted("ExecutionRevertedError", error_string, Some("not yours")),
                    reverted("CALL_EXCEPTION", error_string, Some("not yours")),
                ),
                step(
                    "eth_call",
                    "call",
                    json!({"to": REVERT_STRING.to_string(), "data": "0x"}),
                    reverted("ExecutionRevertedError", error_string, Some("not yours")),
                    reverted("CALL_EXCEPTION", error_string, Some("not yours")),
                ),
            ],
        ),
        case(
            "revert custom error",
            vec![
                step(
                    "estimate",
                    "send",
                    json!({"to": REVERT_CUSTOM.to_string(), "data": "0x"}),
                    reverted("ExecutionRevertedError", custom_error, None),
                    reverted("CALL_EXCEPTION", custom_error, None),
                ),
                step(
                    "eth_call",
                    "call",
                    json!({"to": REVERT_CUSTOM.to_string(), "data": "0x"}),
                    reverted("ExecutionRevertedError", custom_error, None),
                    reverted("CALL_EXCEPTION", custom_error, None),
                ),
            ],
        ),
        case(
            "out of gas (estimate)",
            vec![step(
                "send",
                "send",
                json!({"to": ENDLESS.to_string(), "data": "0x"}),
                refused("none", -32000, "gas required exceeds allowance (32000000)"),
                refused(
                    "CALL_EXCEPTION",
                    -32000,
                    "gas required exceeds allowance (32000000)",
                ),
            )],
        ),
    ]
}

/// Runtime code that reverts with `data` (copied from its own tail).
fn reverting_runtime(data: &[u8]) -> Bytes {
    let len = u8::try_from(data.len()).expect("short revert data");
    // PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 REVERT
    let mut code = vec![0x60, len, 0x60, 12, 0x60, 0, 0x39, 0x60, len, 0x60, 0, 0xfd];
    code.extend_from_slice(data);
    code.into()
}

/// `tx` (the fields of a step) as an EIP-1559 transaction signed with `key`, raw hex.
fn sign_eip1559(key: B256, tx: &Value) -> String {
    let int = |field: &str| -> u128 {
        tx[field]
            .as_str()
            .unwrap_or("0")
            .parse()
            .unwrap_or_else(|e| panic!("{field}: {e}"))
    };
    let unsigned = TxEip1559 {
        chain_id: 412_346,
        nonce: u64::try_from(int("nonce")).expect("nonce"),
        gas_limit: u64::try_from(int("gas")).expect("gas"),
        max_fee_per_gas: int("maxFeePerGas"),
        max_priority_fee_per_gas: int("maxPriorityFeePerGas"),
        to: TxKind::Call(tx["to"].as_str().expect("to").parse().expect("to")),
        value: U256::from(int("value")),
        ..Default::default()
    };
    let signer = PrivateKeySigner::from_bytes(&key).expect("key");
    let signature = signer
        .sign_hash_sync(&unsigned.signature_hash())
        .expect("sign");
    let envelope: TxEnvelope = unsigned.into_signed(signature).into();
    format!("0x{}", hex::encode(envelope.encoded_2718()))
}

/// The key of `case`'s account for `library` (one account per case and library).
fn case_key(library: Library, id: &str) -> B256 {
    keccak256(format!("stylus-ip wallet_errors {} {id}", library.name()))
}

fn address_of(key: B256) -> Address {
    PrivateKeySigner::from_bytes(&key).expect("key").address()
}

/// Runs `cases` through `library`; returns each step's report by (case, label).
fn run(
    node: &DevnodeHandle,
    library: Library,
    cases: &[Case],
) -> BTreeMap<(String, String), Value> {
    let mut request_cases = Vec::new();
    for c in cases {
        let key = case_key(library, c.id);
        let from = address_of(key);
        {
            let mut chain = node.chain().lock().expect("chain");
            chain.set_balance(from, U256::from(c.balance));
            chain.set_nonce(from, c.nonce);
        }
        let mut steps: Vec<Value> = c
            .before
            .iter()
            .map(|(m, p)| json!({"rpc": m, "params": p}))
            .collect();
        for s in &c.steps {
            if s.only.is_some_and(|l| l != library) {
                continue;
            }
            let mut request =
                json!({"label": s.label, "action": s.action, "key": key.to_string(), "tx": s.tx});
            if s.action == "sendRaw" {
                request["raw"] = json!(sign_eip1559(key, &s.tx));
            }
            steps.push(request);
        }
        steps.extend(c.after.iter().map(|(m, p)| json!({"rpc": m, "params": p})));
        request_cases.push(json!({"id": c.id, "steps": steps}));
    }
    let request = json!({
        "url": node.url(),
        "chainId": 412_346,
        "library": library.name(),
        "cases": request_cases,
    });
    let out = js::run_script("wallet_errors.js", &request)
        .unwrap_or_else(|e| panic!("{}: {e:#}", library.name()));
    out.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: bad output line {line}: {e}", library.name()));
            let key = (
                v["id"].as_str().unwrap_or_default().to_string(),
                v["step"].as_str().unwrap_or_default().to_string(),
            );
            (key, v)
        })
        .collect()
}

/// Checks one report against `want`: the class for the summary table, or what is wrong.
fn check(
    library: Library,
    case: &Case,
    step: &Step,
    want: &Want,
    got: &Value,
) -> Result<String, String> {
    let from = address_of(case_key(library, case.id)).to_string();
    let what = format!("{} / {} / {}: {got}", library.name(), case.id, step.label);
    let ensure = |ok: bool, why: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{what}: {why}"))
        }
    };
    match want {
        Want::Sent => {
            ensure(got["ok"] == json!(true), "want it sent")?;
            ensure(
                got["hash"].as_str().is_some_and(|h| h.len() == 66),
                "want a transaction hash",
            )?;
            Ok("sent".into())
        }
        Want::Refused {
            class,
            node,
            revert,
        } => {
            ensure(got["ok"] == json!(false), "want it refused")?;
            ensure(got["class"] == json!(class), &format!("want class {class}"))?;
            match node {
                Some((code, prefix)) => {
                    ensure(
                        got["nodeCode"] == json!(code),
                        &format!("want node code {code}"),
                    )?;
                    let prefix = prefix.replace("{from}", &from);
                    let message = got["nodeMessage"].as_str().unwrap_or_default();
                    ensure(
                        message.starts_with(&prefix),
                        &format!("want node message `{prefix}…`"),
                    )?;
                }
                None => ensure(
                    got["nodeMessage"].is_null(),
                    "want the library to refuse it without asking the node",
                )?,
            }
            if let Some((data, reason)) = revert {
                ensure(
                    got["data"] == json!(data),
                    &format!("want revert data {data}"),
                )?;
                match reason {
                    Some(r) => ensure(
                        got["reason"].as_str().is_some_and(|s| s.contains(r)),
                        &format!("want reason {r}"),
                    )?,
                    None if library == Library::Ethers => {
                        ensure(got["reason"].is_null(), "want no reason")?;
                    }
                    None => {}
                }
            }
            Ok((*class).to_string())
        }
    }
}

#[test]
fn ethers_and_viem_classify_the_devnodes_errors_as_geths() {
    let node = Devnode::spawn(DevnodeConfig::ephemeral()).expect("devnode");
    let error_string = alloy_sol_types::Revert {
        reason: "not yours".into(),
    }
    .abi_encode();
    let custom_error = NotLicensed {
        assetId: U256::from(7),
    }
    .abi_encode();
    {
        let mut chain = node.chain().lock().expect("chain");
        chain.set_code(REVERT_STRING, reverting_runtime(&error_string));
        chain.set_code(REVERT_CUSTOM, reverting_runtime(&custom_error));
        chain.set_code(ENDLESS, Bytes::from_static(&[0x5b, 0x60, 0x00, 0x56]));
    }
    let cases = cases(&error_string, &custom_error);
    let mut table = String::from("| case | step | viem | ethers |\n|---|---|---|---|\n");
    let mut failures = Vec::new();
    let reports: Vec<_> = Library::ALL
        .iter()
        .map(|&library| (library, run(&node, library, &cases)))
        .collect();
    for c in &cases {
        for s in &c.steps {
            let mut classes = Vec::new();
            for (library, reports) in &reports {
                if s.only.is_some_and(|l| l != *library) {
                    classes.push("—".to_string());
                    continue;
                }
                let got = reports
                    .get(&(c.id.to_string(), s.label.to_string()))
                    .unwrap_or_else(|| {
                        panic!("{}: no report for {} / {}", library.name(), c.id, s.label)
                    });
                let want = match library {
                    Library::Viem => &s.viem,
                    Library::Ethers => &s.ethers,
                };
                match check(*library, c, s, want, got) {
                    Ok(class) => classes.push(class),
                    Err(why) => {
                        classes.push(format!("**{}**", got["class"].as_str().unwrap_or("sent")));
                        failures.push(why);
                    }
                }
            }
            let _ = writeln!(
                table,
                "| {} | {} | {} | {} |",
                c.id, s.label, classes[1], classes[0]
            );
        }
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "{} of the libraries' verdicts differ from geth's:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The winning replacement was mined, the transactions it replaced were not.
    for (library, reports) in &reports {
        let key = |label: &str| {
            let h = reports[&("replacement underpriced".to_string(), label.to_string())]["hash"]
                .as_str()
                .expect("hash")
                .parse::<B256>()
                .expect("hash");
            node.chain().lock().expect("chain").receipt(h)
        };
        assert!(
            key("first").is_none(),
            "{}: replaced, never mined",
            library.name()
        );
        assert!(
            key("+10 %").is_some_and(|r| r.status()),
            "{}: the replacement is mined",
            library.name()
        );
    }
    node.shutdown().expect("shutdown");
}
