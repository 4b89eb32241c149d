//! Wallet compatibility of the share tokens' EIP-2612 permits, end to end on
//! the devnode, with real vaults created by the suite's vault factory (the
//! populated suite of `bad_input_world`: its base vault "Work Shares", and a
//! vault whose name is 95 bytes of UTF-8, the longest a vault takes, three
//! storage words):
//!
//! * **ERC-5267**: `eip712Domain()` decodes (canonically) as fields `0x0f`,
//!   the share name, version "1", the chain id, the vault, salt 0 and no
//!   extensions; the domain it describes hashes, with alloy's
//!   `Eip712Domain::separator()`, to `DOMAIN_SEPARATOR()`.
//! * **Permits from wallet libraries**: an actor's key signs a permit with
//!   ethers 6 and with viem 2 (`stylus_ip_tests::js::sign_permit`), over
//!   the domain the vault reported, as a dApp does. A relayer submits each:
//!   the allowance is set, `Approval` is the only event, the nonce moves on;
//!   the spender's `transferFrom` then moves exactly the permitted shares;
//!   the same signature replayed is refused with `ERC2612InvalidSigner`
//!   (naming the stranger it now recovers to) and changes nothing.
//! * **Gas**: a permit and the spender's `transferFrom`, measured, printed
//!   and bounded (with an `approve` for comparison).

mod bad_input_world;

use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy_primitives::{Address, Bytes, Log, Signature, B256, U256};
use alloy_sol_types::{Eip712Domain, SolCall, SolEvent, SolStruct};
use bad_input_world::*;
use stylus_ip_tests::js::{self, Library, Permit};
use stylus_ip_tests::{big_stack, rpc::actor_signer, ETH};

use ShareVault::ShareVaultErrors as VaultE;

/// Shares alice gives the investor in each vault.
const FUNDED: u128 = 100 * ETH;
/// Gas bound of one permit transaction (intrinsic cost included): roughly
/// three times the 85,560 gas it costs on the devnode.
const PERMIT_GAS_BOUND: u64 = 250_000;
/// Gas bound of the spender's `transferFrom` transaction (76,000 to 93,000
/// gas on the devnode).
const TRANSFER_FROM_GAS_BOUND: u64 = 250_000;

/// The investor: the key of the suite's actor 0.
fn investor() -> PrivateKeySigner {
    actor_signer(0)
}

/// A 95-byte UTF-8 share name (multi-byte characters, three storage words).
fn long_name() -> String {
    let mut name =
        String::from("Neon Kōi · 錦鯉 — a fractional work of generative art, shares of ");
    while name.len() < 95 {
        name.push('*');
    }
    assert_eq!(name.len(), 95);
    name
}

/// Alice fractionalises NFT 3 into a vault named [`long_name`].
fn long_named_vault(w: &mut World) -> Address {
    let (alice, dave, nft, factory) = (w.alice, w.dave, w.nft, w.vault_factory);
    let approve = IpCollection::approveCall {
        to: factory,
        tokenId: U256::from(3),
    };
    w.ok(alice, nft, &approve);
    let mut call = fractionalize(
        nft,
        U256::from(3),
        U256::ZERO,
        alice,
        dave,
        B256::repeat_byte(0x33),
    );
    call.name = long_name();
    call.symbol = "KOI".into();
    w.ok(alice, factory, &call)
}

/// Alice gives the investor [`FUNDED`] shares of `vault`.
fn fund_investor(w: &mut World, vault: Address) {
    let alice = w.alice;
    let call = ShareVault::transferCall {
        to: investor().address(),
        value: U256::from(FUNDED),
    };
    w.ok(alice, vault, &call);
}

/// `eip712Domain()` of `vault`, decoded; panics unless the return data is
/// the canonical ABI encoding of what it decodes to (what every wallet
/// library's strict decoder reads).
fn eip712_domain(w: &mut World, vault: Address) -> ShareVault::eip712DomainReturn {
    let raw =
        w.h.view_raw(vault, ShareVault::eip712DomainCall {}.abi_encode())
            .unwrap_or_else(|r| panic!("eip712Domain() of {vault} reverted: {r:?}"));
    let decoded = ShareVault::eip712DomainCall::abi_decode_returns_validate(&raw)
        .unwrap_or_else(|e| panic!("eip712Domain() of {vault} does not decode: {e}"));
    assert_eq!(
        ShareVault::eip712DomainCall::abi_encode_returns(&decoded),
        raw.to_vec(),
        "eip712Domain() of {vault} is not canonically encoded"
    );
    decoded
}

/// The EIP-712 domain an ERC-5267 answer describes: each field whose bit is
/// set in `fields` (name 0x01, version 0x02, chain id 0x04, verifying
/// contract 0x08, salt 0x10).
fn domain_of(d: &ShareVault::eip712DomainReturn) -> Eip712Domain {
    let has = |bit: u8| d.fields.0[0] & bit != 0;
    Eip712Domain::new(
        has(0x01).then(|| d.name.clone().into()),
        has(0x02).then(|| d.version.clone().into()),
        has(0x04).then_some(d.chainId),
        has(0x08).then_some(d.verifyingContract),
        has(0x10).then_some(d.salt),
    )
}

/// `(v, r, s)` of a 65-byte `r ‖ s ‖ v` signature.
fn split(sig: &[u8; 65]) -> (u8, B256, B256) {
    (
        sig[64],
        B256::from_slice(&sig[..32]),
        B256::from_slice(&sig[32..64]),
    )
}

fn permit_call(p: &Permit, sig: &[u8; 65]) -> ShareVault::permitCall {
    let (v, r, s) = split(sig);
    ShareVault::permitCall {
        owner: p.owner,
        spender: p.spender,
        value: p.value,
        deadline: p.deadline,
        v,
        r,
        s,
    }
}

/// The log `event` emitted by `emitter`.
fn log_of(emitter: Address, event: &impl SolEvent) -> Log {
    Log {
        address: emitter,
        data: event.encode_log_data(),
    }
}

/// Sends `call`, which must succeed; returns its gas and logs.
fn send<C: SolCall>(w: &mut World, from: Address, to: Address, call: &C) -> (u64, Vec<Log>) {
    let out =
        w.h.node
            .transact(from, to, Bytes::from(call.abi_encode()), U256::ZERO)
            .expect("devnode");
    assert!(
        out.success,
        "{} from {from} reverted: {} ({:?})",
        C::SIGNATURE,
        out.output,
        out.stylus_error
    );
    (out.gas_used, out.logs)
}

fn balance(w: &mut World, vault: Address, who: Address) -> U256 {
    w.view(vault, &ShareVault::balanceOfCall { account: who })
}

fn allowance(w: &mut World, vault: Address, owner: Address, spender: Address) -> U256 {
    w.view(vault, &ShareVault::allowanceCall { owner, spender })
}

fn nonce(w: &mut World, vault: Address, owner: Address) -> U256 {
    w.view(vault, &ShareVault::noncesCall { owner })
}

#[test]
fn eip712_domain_is_erc5267_and_hashes_to_the_domain_separator() {
    big_stack("erc5267", || {
        let mut w = World::get();
        let long = long_named_vault(&mut w);
        let chain_id = w.chain_id();
        let mut separators = Vec::new();
        for (vault, name) in [(w.vault, "Work Shares".to_string()), (long, long_name())] {
            let d = eip712_domain(&mut w, vault);
            assert_eq!(d.fields.0, [0x0f], "name, version, chain id, contract");
            assert_eq!(d.name, name);
            assert_eq!(d.version, "1");
            assert_eq!(d.chainId, U256::from(chain_id));
            assert_eq!(d.verifyingContract, vault);
            assert_eq!(d.salt, B256::ZERO);
            assert!(d.extensions.is_empty());

            let separator = w.view(vault, &ShareVault::DOMAIN_SEPARATORCall {});
            let domain = domain_of(&d);
            assert_eq!(domain.salt, None, "fields 0x0f leave the salt out");
            assert_eq!(domain.separator(), separator, "{name}");
            // The deploy crate's domain (the demo signs with it) agrees.
            let deploy = stylus_ip_deploy::permit::domain(&name, chain_id, vault);
            assert_eq!(deploy.separator(), separator, "{name}");
            separators.push(separator);
        }
        assert_ne!(
            separators[0], separators[1],
            "each vault has its own domain"
        );
    });
}

#[test]
fn permits_signed_by_ethers_and_viem_are_accepted_once() {
    big_stack("wallet permits", || {
        let mut w = World::get();
        let long = long_named_vault(&mut w);
        let key = investor();
        let owner = key.address();
        let (relayer, spender, receiver) = (w.bob, w.carol, w.dave);
        for vault in [w.vault, long] {
            fund_investor(&mut w, vault);
            // As a dApp does: the domain the token reports.
            let domain = domain_of(&eip712_domain(&mut w, vault));
            for (i, library) in Library::ALL.into_iter().enumerate() {
                let n = nonce(&mut w, vault, owner);
                assert_eq!(n, U256::from(i), "{library:?}");
                let value = U256::from((10 + i as u128) * ETH + 7);
                let permit = Permit {
                    owner,
                    spender,
                    value,
                    nonce: n,
                    deadline: U256::from(w.h.node.timestamp() + 3600),
                };
                let sig = js::sign_permit(library, key.to_bytes(), &domain, &permit)
                    .unwrap_or_else(|e| panic!("{library:?} could not sign: {e:#}"));
                // RFC 6979 and low s: the very signature alloy makes.
                let alloy_sig = key
                    .sign_hash_sync(&permit.eip712_signing_hash(&domain))
                    .expect("alloy signs");
                assert_eq!(sig, alloy_sig.as_bytes(), "{library:?}");

                // A relayer submits it: the allowance, one Approval, the nonce.
                let call = permit_call(&permit, &sig);
                let (_, logs) = send(&mut w, relayer, vault, &call);
                let approval = ShareVault::Approval {
                    owner,
                    spender,
                    value,
                };
                assert_eq!(logs, vec![log_of(vault, &approval)], "{library:?}");
                assert_eq!(allowance(&mut w, vault, owner, spender), value);
                assert_eq!(nonce(&mut w, vault, owner), n + U256::from(1));

                // The spender moves exactly the permitted shares.
                let from_before = balance(&mut w, vault, owner);
                let to_before = balance(&mut w, vault, receiver);
                let move_ = ShareVault::transferFromCall {
                    from: owner,
                    to: receiver,
                    value,
                };
                let (_, logs) = send(&mut w, spender, vault, &move_);
                let transfer = ShareVault::Transfer {
                    from: owner,
                    to: receiver,
                    value,
                };
                assert_eq!(logs, vec![log_of(vault, &transfer)], "{library:?}");
                assert_eq!(balance(&mut w, vault, owner), from_before - value);
                assert_eq!(balance(&mut w, vault, receiver), to_before + value);
                assert_eq!(allowance(&mut w, vault, owner, spender), U256::ZERO);

                // Replayed: the nonce moved on, so it names a stranger.
                let next = Permit {
                    nonce: n + U256::from(1),
                    ..permit.clone()
                };
                let stranger = Signature::try_from(&sig[..])
                    .expect("a signature")
                    .recover_address_from_prehash(&next.eip712_signing_hash(&domain))
                    .expect("recoverable");
                assert_ne!(stranger, owner);
                let before = w.h.fingerprint();
                let Err(err) = w.h.send(relayer, vault, &call, U256::ZERO) else {
                    panic!("{library:?}: a replayed permit was accepted");
                };
                assert_eq!(
                    err.decode::<VaultE>(),
                    VaultE::ERC2612InvalidSigner(ShareVault::ERC2612InvalidSigner {
                        signer: stranger,
                        owner,
                    }),
                    "{library:?}"
                );
                let diff = before.diff(&w.h.fingerprint(), &[relayer]);
                assert!(diff.is_empty(), "the replay changed {diff:#?}");
            }
            assert_eq!(
                balance(&mut w, vault, owner),
                U256::from(FUNDED - 10 * ETH - 7 - 11 * ETH - 7)
            );
        }
    });
}

#[test]
fn permit_and_transfer_from_gas() {
    big_stack("permit gas", || {
        let mut w = World::get();
        let key = investor();
        let owner = key.address();
        let (relayer, spender, receiver, vault) = (w.bob, w.carol, w.dave, w.vault);
        fund_investor(&mut w, vault);
        let domain = domain_of(&eip712_domain(&mut w, vault));
        let value = U256::from(25 * ETH);

        // The approval a permit replaces, for comparison (the owner's own
        // transaction), then reset.
        let approve = ShareVault::approveCall { spender, value };
        let (approve_gas, _) = send(&mut w, owner, vault, &approve);
        let reset = ShareVault::approveCall {
            spender,
            value: U256::ZERO,
        };
        send(&mut w, owner, vault, &reset);

        let mut permit_gas = Vec::new();
        let mut transfer_gas = Vec::new();
        for library in Library::ALL {
            let permit = Permit {
                owner,
                spender,
                value,
                nonce: nonce(&mut w, vault, owner),
                deadline: U256::from(w.h.node.timestamp() + 3600),
            };
            let sig = js::sign_permit(library, key.to_bytes(), &domain, &permit)
                .unwrap_or_else(|e| panic!("{library:?} could not sign: {e:#}"));
            let (gas, _) = send(&mut w, relayer, vault, &permit_call(&permit, &sig));
            permit_gas.push(gas);
            let move_ = ShareVault::transferFromCall {
                from: owner,
                to: receiver,
                value,
            };
            let (gas, _) = send(&mut w, spender, vault, &move_);
            transfer_gas.push(gas);
        }
        for (i, library) in Library::ALL.into_iter().enumerate() {
            println!(
                "permit signed by {}: permit {} gas + transferFrom {} gas = {} gas \
                 (approve alone: {approve_gas} gas)",
                library.name(),
                permit_gas[i],
                transfer_gas[i],
                permit_gas[i] + transfer_gas[i],
            );
            assert!(
                permit_gas[i] < PERMIT_GAS_BOUND,
                "permit: {} gas",
                permit_gas[i]
            );
            assert!(
                transfer_gas[i] < TRANSFER_FROM_GAS_BOUND,
                "transferFrom: {} gas",
                transfer_gas[i]
            );
            // A permit costs more than the approval it replaces (a
            // signature check and a nonce), but is paid by the relayer.
            assert!(permit_gas[i] > approve_gas);
        }
        assert_eq!(
            balance(&mut w, vault, receiver),
            U256::from(VAULT_SHARES[1]) + value * U256::from(2)
        );
    });
}
