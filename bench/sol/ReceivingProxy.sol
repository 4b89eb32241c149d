// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The suite's receiving minimal proxy (contracts/common/src/proxy.rs), for
// the Solidity baselines that the suite deploys as clones (split wallets and
// share vaults), so both sides pay the same deployment, the same delegation
// on every call and the same 15-gas receive path for plain ETH.
//
// Runtime (51 bytes): EIP-1167's body behind a 6-byte prefix that STOPs on
// empty calldata (plain ETH is accepted without a DELEGATECALL), then
// delegates everything else to the implementation `I`:
//
//   36 6005 57 00 5b 36 3d 3d 37 3d 3d 3d 36 3d 73<I> 5a f4 3d 82 80 3e 90 3d 91 6031 57 fd 5b f3
//
// Creation code: `60 33 80 60 09 3d 39 3d f3` + runtime (60 bytes), deployed
// with CREATE2 as the suite's factories do. Written for this bench from the
// byte table in proxy.rs; the address prediction is the CREATE2 rule.

library ReceivingProxy {
    error ProxyDeployFailed();

    /// The proxy's creation code for `implementation`.
    function initCode(address implementation) internal pure returns (bytes memory) {
        return abi.encodePacked(
            hex"60338060093d393df3", hex"36600557005b363d3d373d3d3d363d73", implementation, hex"5af43d82803e903d91603157fd5bf3"
        );
    }

    /// The address CREATE2 gives the proxy of `implementation` deployed by
    /// `deployer` with `salt`.
    function predict(address deployer, address implementation, bytes32 salt) internal pure returns (address) {
        bytes32 h = keccak256(abi.encodePacked(bytes1(0xff), deployer, salt, keccak256(initCode(implementation))));
        return address(uint160(uint256(h)));
    }

    /// Deploys the proxy of `implementation` with CREATE2 and `salt`.
    function deploy(address implementation, bytes32 salt) internal returns (address proxy) {
        bytes memory code = initCode(implementation);
        assembly ("memory-safe") {
            proxy := create2(0, add(code, 32), mload(code), salt)
        }
        if (proxy == address(0)) revert ProxyDeployFailed();
    }
}
