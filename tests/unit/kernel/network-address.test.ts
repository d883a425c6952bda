import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isLocalName, isNonPublicAddress } from "../../../shared/kernel/network-address.js";

describe("non-public addresses (webhook SSRF guard)", () => {
  it("refuses loopback, private, link-local, CGNAT, multicast, reserved and unspecified IPv4", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.0.9",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
    ])
      assert.equal(isNonPublicAddress(address), true, address);
  });

  it("refuses the same in IPv6, IPv4-mapped addresses judged as IPv4", () => {
    for (const address of ["::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "[::1]"])
      assert.equal(isNonPublicAddress(address), true, address);
  });

  it("lets public addresses through", () => {
    for (const address of ["8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
      assert.equal(isNonPublicAddress(address), false, address);
  });

  it("treats text that is no address as non-public, and knows this machine's names", () => {
    assert.equal(isNonPublicAddress("example.com"), true);
    assert.equal(isLocalName("localhost"), true);
    assert.equal(isLocalName("api.localhost"), true);
    assert.equal(isLocalName("hooks.example.com"), false);
  });
});
