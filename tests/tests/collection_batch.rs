//! `IpCollection.mintBatch` on the real WASM in the in-process devnode
//! (`stylus-vm`), called through the exported ABI (`abi/IpCollection.json`):
//!
//! * a batch of 50: ids, owner, balance, supply, each `tokenURI` exactly the
//!   `ipfs://` URI `stylus_ip_deploy::studio::Cid` gives its digest, the
//!   royalty, and the one ERC-2309 `ConsecutiveTransfer` log;
//! * gas: receipt gas per token of batches of 1, 10, 50 and 100 beside a
//!   single `mint` with the same `ipfs://…` URI as a string (printed; the
//!   assertion is only that a batch costs less per token than the single
//!   path).
//!
//! Needs the WASM from `cargo ip build`.

use alloy_primitives::{aliases::U96, keccak256, Address, Log, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use stylus_ip_deploy::bindings::IpCollection as C;
use stylus_ip_deploy::studio::Cid;
use stylus_ip_tests::{big_stack, Harness};

/// The deployed collection, its holder and an artist.
struct World {
    h: Harness,
    collection: Address,
    holder: Address,
    artist: Address,
}

/// A fresh chain with `ip-collection` deployed through its constructor
/// (5 % default royalty to the admin, its owner), and one token already
/// minted to the holder, so that every measured mint goes to an existing
/// holder and enters a program already entered (the same init cost).
fn world() -> World {
    let mut h = Harness::new(2);
    h.node.set_timestamp(1_800_000_000);
    let admin = h.admin;
    let (holder, artist) = (h.actors[0], h.actors[1]);
    let collection = h.deploy("ip-collection");
    let ctor = C::constructorCall {
        name: "Studio works".into(),
        symbol: "WORK".into(),
        baseUri: "ipfs://base/".into(),
        owner: admin,
        royaltyReceiver: admin,
        royaltyBps: U96::from(500),
    };
    h.construct(collection, &ctor);
    let mut w = World {
        h,
        collection,
        holder,
        artist,
    };
    mint_single(&mut w, "ipfs://first", Address::ZERO);
    w
}

/// A stand-in for the sha-256 of asset `i`'s metadata file (the contract
/// takes any 32 bytes; the CID is computed from them alone).
fn digest(i: u64) -> B256 {
    keccak256(format!("metadata of asset {i}"))
}

/// `mint(holder, uri, receiver, 5 %)` as the admin; the new id and receipt
/// gas.
fn mint_single(w: &mut World, uri: &str, receiver: Address) -> (U256, u64) {
    let admin = w.h.admin;
    w.h.send(
        admin,
        w.collection,
        &C::mintCall {
            to: w.holder,
            uri: uri.into(),
            royaltyReceiver: receiver,
            royaltyBps: U96::from(500),
        },
        U256::ZERO,
    )
    .expect("mint")
}

/// `mintBatch(holder, digests, receiver, bps)` as the admin: the first id,
/// the logs and the receipt gas.
fn mint_batch(
    w: &mut World,
    digests: Vec<B256>,
    receiver: Address,
    bps: u64,
) -> (U256, Vec<Log>, u64) {
    let admin = w.h.admin;
    let call = C::mintBatchCall {
        to: w.holder,
        metadataDigests: digests,
        royaltyReceiver: receiver,
        royaltyBps: U96::from(bps),
    };
    let out =
        w.h.node
            .transact(admin, w.collection, call.abi_encode().into(), U256::ZERO)
            .expect("devnode");
    assert!(out.success, "mintBatch reverted: {out:?}");
    let first = C::mintBatchCall::abi_decode_returns(&out.output).expect("uint256 returned");
    (first, out.logs, out.gas_used)
}

fn token_uri(w: &mut World, id: U256) -> String {
    w.h.view(w.collection, &C::tokenURICall { tokenId: id })
}

#[test]
fn a_batch_of_50_mints_consecutive_ids_with_their_cids() {
    big_stack("collection-batch-50", || {
        let mut w = world();
        let digests: Vec<B256> = (0..50).map(digest).collect();
        let artist = w.artist;
        let (first, logs, _) = mint_batch(&mut w, digests.clone(), artist, 750);
        assert_eq!(first, U256::from(2));
        let last = U256::from(51);
        // One log: ConsecutiveTransfer(2, 51, 0, holder), no Transfer.
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!(logs[0].address, w.collection);
        let ev = C::ConsecutiveTransfer::decode_log_data(&logs[0].data).expect("ERC-2309 log");
        assert_eq!(
            (ev.fromTokenId, ev.toTokenId, ev.fromAddress, ev.toAddress),
            (first, last, Address::ZERO, w.holder)
        );
        assert_eq!(
            logs[0].topics()[0],
            keccak256("ConsecutiveTransfer(uint256,uint256,address,address)")
        );
        assert_eq!(
            w.h.view(w.collection, &C::totalSupplyCall {}),
            U256::from(51)
        );
        assert_eq!(
            w.h.view(w.collection, &C::balanceOfCall { owner: w.holder }),
            U256::from(51)
        );
        let price = U256::from(1_000_000);
        for (i, d) in digests.iter().enumerate() {
            let id = first + U256::from(i);
            let uri = token_uri(&mut w, id);
            assert_eq!(uri, Cid::raw_sha256(d).uri(), "token {id}");
            assert!(uri.starts_with("ipfs://bafkrei") && uri.len() == 66);
            assert_eq!(
                w.h.view(w.collection, &C::ownerOfCall { tokenId: id }),
                w.holder
            );
            let royalty = w.h.view(
                w.collection,
                &C::royaltyInfoCall {
                    tokenId: id,
                    salePrice: price,
                },
            );
            assert_eq!((royalty._0, royalty._1), (artist, U256::from(75_000)));
        }
        // The token before keeps its string URI; none exists after.
        assert_eq!(token_uri(&mut w, U256::from(1)), "ipfs://first");
        assert!(w
            .h
            .view_raw(
                w.collection,
                C::tokenURICall {
                    tokenId: last + U256::from(1)
                }
                .abi_encode()
            )
            .is_err());
        // A string URI set later wins over the digest.
        let admin = w.h.admin;
        w.h.send(
            admin,
            w.collection,
            &C::setTokenURICall {
                tokenId: first,
                uri: "ar://replaced".into(),
            },
            U256::ZERO,
        )
        .expect("setTokenURI");
        assert_eq!(token_uri(&mut w, first), "ar://replaced");
        assert_eq!(
            token_uri(&mut w, first + U256::from(1)),
            Cid::raw_sha256(&digests[1]).uri()
        );
    });
}

#[test]
fn a_batch_costs_less_gas_per_token_than_minting_the_uri_as_a_string() {
    big_stack("collection-batch-gas", || {
        let mut w = world();
        // The same token as a single mint: the digest's URI as a string
        // (66 bytes: a length slot and three data slots).
        let uri = Cid::raw_sha256(&digest(1_000_000)).uri();
        let artist = w.artist;
        let singles = [
            mint_single(&mut w, &uri, Address::ZERO).1,
            mint_single(&mut w, &uri, artist).1,
        ];
        println!(
            "mint with a {}-byte ipfs:// URI: {} gas (default royalty), {} gas (own royalty)",
            uri.len(),
            singles[0],
            singles[1]
        );
        println!("mintBatch, receipt gas per token (gas used / n, % of the single mint):");
        println!("{:>5} {:>16} {:>16}", "n", "default royalty", "own royalty");
        let mut next = 0;
        for n in [1u64, 10, 50, 100] {
            let mut row = Vec::new();
            for (receiver, single) in [(Address::ZERO, singles[0]), (artist, singles[1])] {
                let digests = (next..next + n).map(digest).collect();
                next += n;
                let (_, logs, gas) = mint_batch(&mut w, digests, receiver, 500);
                assert_eq!(logs.len(), 1);
                let per = gas / n;
                assert!(
                    per < single,
                    "batch of {n} (royalty to {receiver}): {per} gas per token, single mint {single}"
                );
                row.push(format!(
                    "{per} ({:.0}%)",
                    100.0 * per as f64 / single as f64
                ));
            }
            println!("{n:>5} {:>16} {:>16}", row[0], row[1]);
        }
    });
}
