//! motsu tests of the factory. motsu's CREATE2 hostio is a no-op that
//! deploys nothing, so the successful clone path (deploy + initialize) is
//! proven on the devnode by the end-to-end tests; here we test everything up
//! to the deployment, the deploy-failure path and the address prediction.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use motsu::prelude::*;

use super::*;
use stylus_ip_common::test_mocks::assert_encodes_like_alloy;

sol! {
    function initialize(address[] recipients, uint32[] allocations, address controller, address dustRecipient);
}

fn a(n: u8) -> Address {
    Address::repeat_byte(n)
}

/// `deployer` constructs `factory` with `implementation`.
fn construct(factory: &Contract<SplitFactory>, deployer: Address, implementation: Address) {
    factory
        .sender(deployer)
        .constructor(implementation)
        .motsu_unwrap();
}

#[test]
fn initialize_calldata_matches_the_abi() {
    assert_eq!(INITIALIZE_SELECTOR, initializeCall::SELECTOR);
    let recipients = vec![a(1), a(2), a(3)];
    let allocations = vec![1u32, 2, 999_997];
    let expected = initializeCall {
        recipients: recipients.clone(),
        allocations: allocations.clone(),
        controller: a(9),
        dustRecipient: a(2),
    }
    .abi_encode();
    assert_eq!(
        encode_initialize(&recipients, &allocations, a(9), a(2)),
        expected
    );
}

#[motsu::test]
fn constructor_sets_implementation(
    factory: Contract<SplitFactory>,
    implementation: Address,
    alice: Address,
) {
    construct(&factory, alice, implementation);
    assert_eq!(factory.sender(alice).implementation(), implementation);
    assert_eq!(
        factory.sender(alice).proxy_init_code_hash(),
        B256::from(proxy::proxy_init_code_hash(implementation.into_array()))
    );
}

#[motsu::test]
fn create_split_requires_an_implementation(factory: Contract<SplitFactory>, alice: Address) {
    let err = factory
        .sender(alice)
        .create_split(vec![a(1)], vec![1_000_000], alice, a(1), B256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidImplementation(e) if e.implementation.is_zero()));
}

#[motsu::test]
fn constructor_rejects_zero(factory: Contract<SplitFactory>, alice: Address) {
    let err = factory
        .sender(alice)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidImplementation(_)));
    assert_eq!(factory.sender(alice).implementation(), Address::ZERO);
}

#[motsu::test]
fn predicted_address_commits_to_every_parameter(
    factory: Contract<SplitFactory>,
    implementation: Address,
    alice: Address,
) {
    construct(&factory, alice, implementation);
    let r = vec![a(1), a(2)];
    let al = vec![400_000u32, 600_000];
    let salt = B256::repeat_byte(7);
    let got = factory
        .sender(alice)
        .predict_address(r.clone(), al.clone(), a(5), a(1), salt);
    // Independent computation: keccak(abi.encode(...)) salt, EIP-1014 address.
    let full_salt =
        alloy_primitives::keccak256((r.clone(), al.clone(), a(5), a(1), salt).abi_encode_params());
    let init_hash =
        alloy_primitives::keccak256(proxy::proxy_init_code(implementation.into_array()));
    let expected = factory.address().create2(full_salt, init_hash);
    assert_eq!(got, expected);
    // Same parameters from another caller: same address.
    let bob = a(0xb0);
    assert_eq!(
        factory
            .sender(bob)
            .predict_address(r.clone(), al.clone(), a(5), a(1), salt),
        got
    );
    // Any change moves it.
    let f = || factory.sender(alice);
    assert_ne!(
        f().predict_address(r.clone(), vec![600_000, 400_000], a(5), a(1), salt),
        got
    );
    assert_ne!(
        f().predict_address(r.clone(), al.clone(), Address::ZERO, a(1), salt),
        got
    );
    assert_ne!(
        f().predict_address(r.clone(), al.clone(), a(5), a(2), salt),
        got
    );
    assert_ne!(
        f().predict_address(r, al.clone(), a(5), a(1), B256::ZERO),
        got
    );
    assert_ne!(
        f().predict_address(vec![a(1), a(3)], al, a(5), a(1), salt),
        got
    );
}

#[motsu::test]
fn create_split_validates_before_deploying(
    factory: Contract<SplitFactory>,
    implementation: Address,
    alice: Address,
) {
    construct(&factory, alice, implementation);
    let salt = B256::ZERO;
    let f = || factory.sender(alice);
    let cases: Vec<(Vec<Address>, Vec<u32>, Address)> = vec![
        (vec![a(1), a(2)], vec![1_000_000], a(1)),
        (vec![], vec![], a(1)),
        (vec![Address::ZERO, a(1)], vec![1, 999_999], a(1)),
        (vec![a(2), a(1)], vec![1, 999_999], a(1)),
        (vec![a(1), a(2)], vec![0, 1_000_000], a(1)),
        (vec![a(1), a(2)], vec![1, 1_000_000], a(1)),
        (vec![a(1), a(2)], vec![500_000, 500_000], a(3)),
    ];
    let errs: Vec<Error> = cases
        .into_iter()
        .map(|(r, al, d)| f().create_split(r, al, alice, d, salt).motsu_unwrap_err())
        .collect();
    assert!(matches!(errs[0], Error::LengthMismatch(_)));
    assert!(matches!(&errs[1], Error::InvalidRecipientCount(e) if e.max == U256::from(500)));
    assert!(matches!(errs[2], Error::ZeroAddressRecipient(_)));
    assert!(matches!(&errs[3], Error::RecipientsNotSorted(e) if e.index == U256::from(1)));
    assert!(matches!(errs[4], Error::ZeroAllocation(_)));
    assert!(matches!(&errs[5], Error::InvalidAllocationSum(e) if e.sum == U256::from(1_000_001)));
    assert!(matches!(&errs[6], Error::InvalidDustRecipient(e) if e.dustRecipient == a(3)));
    let many: Vec<Address> = (1..=501u64)
        .map(|i| Address::left_padding_from(&i.to_be_bytes()))
        .collect();
    let err = f()
        .create_split(many.clone(), vec![1; 501], alice, many[0], salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidRecipientCount(e) if e.count == U256::from(501)));
    assert!(factory.all_events().is_empty());
}

#[motsu::test]
fn failed_deployment_is_a_typed_error(
    factory: Contract<SplitFactory>,
    implementation: Address,
    alice: Address,
) {
    construct(&factory, alice, implementation);
    let (r, al, salt) = (vec![a(1)], vec![1_000_000u32], B256::repeat_byte(1));
    let predicted = factory
        .sender(alice)
        .predict_address(r.clone(), al.clone(), alice, a(1), salt);
    // motsu's CREATE2 deploys nothing (address zero), as a real CREATE2 does
    // when the split already exists.
    let err = factory
        .sender(alice)
        .create_split(r, al, alice, a(1), salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DeployFailed(e) if e.predicted == predicted));
    assert!(factory.all_events().is_empty());
}

#[test]
fn split_created_log_matches_alloy() {
    let salt = B256::repeat_byte(0x5a);
    let log = SplitCreated {
        split: a(1),
        creator: a(2),
        controller: a(3),
        salt,
    }
    .encode_log_data();
    assert_eq!(log.topics(), &split_created_topics(a(1), a(2), a(3))[..]);
    assert_eq!(log.data.as_ref(), salt.as_slice());
}

#[test]
fn hand_encoded_errors_match_alloy() {
    let (n, m) = (U256::from(77u64), U256::MAX);
    assert_encodes_like_alloy(
        Error::InvalidImplementation,
        SplitFactoryInvalidImplementation {
            implementation: a(1),
        },
    );
    assert_encodes_like_alloy(
        Error::DeployFailed,
        SplitFactoryDeployFailed { predicted: a(2) },
    );
    assert_encodes_like_alloy(
        Error::InitializationFailed,
        SplitFactoryInitializationFailed { split: a(3) },
    );
    split_logic::assert_validation_errors_encode_like_alloy!(n, m, a(4));
    assert_encodes_like_alloy(Error::ArithmeticOverflow, SplitArithmeticOverflow {});
}

#[test]
fn shared_validation_maps_every_error() {
    use split_logic::SplitError as E;
    let mapped: Vec<Vec<u8>> = [
        E::RecipientCount { count: 0 },
        E::LengthMismatch {
            recipients: 1,
            allocations: 2,
        },
        E::ZeroRecipient,
        E::NotSorted { index: 1 },
        E::ZeroAllocation { index: 0 },
        E::AllocationSum { sum: 3 },
        E::DustRecipient {
            dust_recipient: a(1),
        },
        E::Overflow,
    ]
    .into_iter()
    .map(|e| Vec::<u8>::from(Error::from(e)))
    .collect();
    let selectors: Vec<[u8; 4]> = mapped.iter().map(|m| [m[0], m[1], m[2], m[3]]).collect();
    assert_eq!(
        selectors,
        vec![
            SplitInvalidRecipientCount::SELECTOR,
            SplitLengthMismatch::SELECTOR,
            SplitZeroAddressRecipient::SELECTOR,
            SplitRecipientsNotSorted::SELECTOR,
            SplitZeroAllocation::SELECTOR,
            SplitInvalidAllocationSum::SELECTOR,
            SplitInvalidDustRecipient::SELECTOR,
            SplitArithmeticOverflow::SELECTOR,
        ]
    );
}
