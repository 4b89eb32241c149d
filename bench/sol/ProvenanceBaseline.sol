// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/provenance: models with an owner and an
// attester, and write-once provenance records per (collection, id) written by
// the collection's minter or the token's owner, with parents that must
// already have records. The EIP-712 digest is only computed when a signature
// is given (the bench records without one; the Stylus registry hashes the
// record either way for commit-reveal and its event).

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

interface IAsset {
    function isMinter(address account) external view returns (bool);
    function ownerOf(uint256 tokenId) external view returns (address);
}

contract ProvenanceBaseline {
    struct Model {
        address owner;
        bool retired;
        address attester;
        bytes32 weightsHash;
    }

    /// ABI-encoded inline, exactly as five `bytes32` arguments (a static
    /// tuple): the calldata matches the Stylus registry's, only the
    /// selector differs; one stack slot instead of five (legacy codegen).
    struct Hashes {
        bytes32 promptHash;
        bytes32 seedHash;
        bytes32 paramsHash;
        bytes32 contentHash;
        bytes32 humanHash;
    }

    struct AssetRef {
        address collection;
        uint256 id;
    }

    struct Record {
        address creator;
        uint64 timestamp;
        bool attested;
        uint8 parentCount;
        uint256 modelId;
        bytes32 promptHash;
        bytes32 seedHash;
        bytes32 paramsHash;
        bytes32 contentHash;
        bytes32 humanHash;
    }

    error UnknownModel(uint256 modelId);
    error RecordExists(address collection, uint256 id);
    error MissingParent(address collection, uint256 id);
    error BadParents();
    error Unauthorized(address account);
    error InvalidSignature();

    event ModelRegistered(uint256 indexed modelId, address indexed owner, bytes32 weightsHash, address attester);
    event ProvenanceRecorded(
        address indexed collection,
        uint256 indexed id,
        uint256 indexed modelId,
        address creator,
        bytes32 promptHash,
        bytes32 contentHash,
        address[] parentCollections,
        uint256[] parentIds
    );

    uint256 public modelCount;
    mapping(uint256 => Model) public models;
    mapping(address => mapping(uint256 => Record)) private _records;
    mapping(address => mapping(uint256 => AssetRef[])) private _parents;

    function registerModel(bytes32 weightsHash, address attester) external returns (uint256 id) {
        id = ++modelCount;
        models[id] = Model(msg.sender, false, attester, weightsHash);
        emit ModelRegistered(id, msg.sender, weightsHash, attester);
    }

    function hasProvenance(address collection, uint256 id) public view returns (bool) {
        return _records[collection][id].creator != address(0);
    }

    function recordProvenance(
        address collection,
        uint256 id,
        uint256 modelId,
        Hashes calldata h,
        address[] calldata parentCollections,
        uint256[] calldata parentIds,
        bytes calldata signature
    ) external {
        _check(collection, id, modelId, parentCollections, parentIds);
        bytes32[5] memory hashes = [h.promptHash, h.seedHash, h.paramsHash, h.contentHash, h.humanHash];
        bool attested = signature.length != 0;
        if (attested) _verify(collection, id, modelId, hashes, signature);
        _write(collection, id, modelId, hashes, attested, parentCollections, parentIds);
    }

    function _check(
        address collection,
        uint256 id,
        uint256 modelId,
        address[] calldata parentCollections,
        uint256[] calldata parentIds
    ) private view {
        if (hasProvenance(collection, id)) revert RecordExists(collection, id);
        Model storage m = models[modelId];
        if (m.owner == address(0) || m.retired) revert UnknownModel(modelId);
        if (parentCollections.length != parentIds.length || parentCollections.length > 8) revert BadParents();
        for (uint256 i; i < parentCollections.length; ++i) {
            if (!hasProvenance(parentCollections[i], parentIds[i])) {
                revert MissingParent(parentCollections[i], parentIds[i]);
            }
        }
        if (!IAsset(collection).isMinter(msg.sender)) {
            (bool ok, bytes memory ret) = collection.staticcall(abi.encodeCall(IAsset.ownerOf, (id)));
            if (!ok || ret.length < 32 || abi.decode(ret, (address)) != msg.sender) revert Unauthorized(msg.sender);
        }
    }

    function _verify(address collection, uint256 id, uint256 modelId, bytes32[5] memory hashes, bytes calldata sig)
        private
        view
    {
        bytes32 digest = keccak256(abi.encode(collection, id, modelId, hashes, msg.sender));
        if (ECDSA.recover(digest, sig) != models[modelId].attester) revert InvalidSignature();
    }

    function _write(
        address collection,
        uint256 id,
        uint256 modelId,
        bytes32[5] memory hashes,
        bool attested,
        address[] calldata parentCollections,
        uint256[] calldata parentIds
    ) private {
        Record storage r = _records[collection][id];
        r.creator = msg.sender;
        r.timestamp = uint64(block.timestamp);
        r.attested = attested;
        r.parentCount = uint8(parentCollections.length);
        r.modelId = modelId;
        r.promptHash = hashes[0];
        r.seedHash = hashes[1];
        r.paramsHash = hashes[2];
        r.contentHash = hashes[3];
        r.humanHash = hashes[4];
        for (uint256 i; i < parentCollections.length; ++i) {
            _parents[collection][id].push(AssetRef(parentCollections[i], parentIds[i]));
        }
        emit ProvenanceRecorded(
            collection, id, modelId, msg.sender, hashes[0], hashes[3], parentCollections, parentIds
        );
    }
}
