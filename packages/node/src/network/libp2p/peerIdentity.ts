import { generateKeyPairFromSeed, publicKeyFromRaw } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { peerIdFromPublicKey } from "@libp2p/peer-id";
import type { Ed25519KeyPair } from "@vshard/crypto";

/**
 * A node's libp2p identity is its own ed25519 key (RFC 8032 seed → the same public key), so its peer id is fixed by
 * the key file it keeps and anyone who knows its public key knows its peer id.
 */
export function libp2pPrivateKeyOf(keys: Ed25519KeyPair): Promise<PrivateKey> {
  return generateKeyPairFromSeed("Ed25519", keys.secretKey);
}

/** The libp2p peer id (`12D3KooW…`) of a node's ed25519 public key: the one its transport will have. */
export function peerIdOfPublicKey(publicKey: Uint8Array): string {
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString();
}
