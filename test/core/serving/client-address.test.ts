import { expect } from "chai";
import { SetupError } from "../../../core/errors.js";
import { clientAddress, NO_TRUSTED_PROXIES, parseTrustedProxies } from "../../../core/serving/client-address.js";

describe("the client address (KOOGATE_TRUSTED_PROXIES, core/serving/client-address.ts)", () => {
  const proxies = parseTrustedProxies("127.0.0.1, 10.0.0.0/8 fd00::/8");

  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.7", "203.0.113.1", NO_TRUSTED_PROXIES)).to.equal("198.51.100.7");
  });

  it("is the socket's peer when the peer is not a trusted proxy", () => {
    expect(clientAddress("198.51.100.7", "203.0.113.1", proxies)).to.equal("198.51.100.7");
  });

  it("is the forwarded hop when the peer is a trusted proxy", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.1", proxies)).to.equal("203.0.113.1");
  });

  it("is the rightmost hop no trusted proxy wrote: what the caller put on the left is ignored", () => {
    expect(clientAddress("127.0.0.1", "1.2.3.4, 203.0.113.1, 10.1.2.3", proxies)).to.equal("203.0.113.1");
  });

  it("matches an IPv4-mapped peer against an IPv4 block, and answers it unmapped", () => {
    expect(clientAddress("::ffff:10.9.9.9", "203.0.113.1", proxies)).to.equal("203.0.113.1");
    expect(clientAddress("::ffff:198.51.100.7", undefined, proxies)).to.equal("198.51.100.7");
  });

  it("matches IPv6 blocks", () => {
    expect(clientAddress("fd00::5", "2001:db8::1", proxies)).to.equal("2001:db8::1");
  });

  it("stops at a hop that is not an address, at the last proxy it trusted", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.1, not-an-ip, 10.0.0.2", proxies)).to.equal("10.0.0.2");
  });

  it("is the leftmost hop when every hop is a trusted proxy", () => {
    expect(clientAddress("127.0.0.1", "10.0.0.3, 10.0.0.2", proxies)).to.equal("10.0.0.3");
  });

  for (const bad of ["10.0.0.0/33", "localhost", "10.0.0.1/8/9", "::1/129", "10.0.0.0/x"]) {
    it(`refuses "${bad}" as a setting, naming it`, () => {
      expect(() => parseTrustedProxies(bad)).to.throw(SetupError, `"${bad}" is neither an IP address nor a CIDR block`);
    });
  }
});
