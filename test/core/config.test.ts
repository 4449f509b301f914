import { expect } from "chai";
import { defaultAdapterConcurrency } from "../../core/settings/server.js";
import { loadConfig } from "../../core/settings/index.js";
import { SetupError } from "../../core/errors.js";

describe("loadConfig", () => {
  describe("KOOGATE_LOG_FORMAT", () => {
    it("defaults to pretty when stderr is a terminal", () => {
      expect(loadConfig({}, true).logFormat).to.equal("pretty");
    });

    it("defaults to json when stderr is not a terminal", () => {
      expect(loadConfig({}, false).logFormat).to.equal("json");
    });

    it("takes json on a terminal when asked", () => {
      expect(loadConfig({ KOOGATE_LOG_FORMAT: "json" }, true).logFormat).to.equal("json");
    });

    it("refuses a format it does not know, naming the ones it does", () => {
      expect(() => loadConfig({ KOOGATE_LOG_FORMAT: "xml" }, false)).to.throw(SetupError, /KOOGATE_LOG_FORMAT="xml": must be one of json, pretty/);
    });
  });

  describe("KOOGATE_ADAPTER_CONCURRENCY and KOOGATE_ADAPTER_WAIT_MS", () => {
    it("default to a 100 ms wait for a slot", () => {
      expect(loadConfig({}, false).adapterWaitMs).to.equal(100);
    });

    it("default to as many adapter calls as cores, leaving two of libuv's four threads to the database", () => {
      expect([1, 2, 8].map((cores) => defaultAdapterConcurrency(cores, undefined))).to.deep.equal([1, 2, 2]);
    });

    it("default to more adapter calls when UV_THREADPOOL_SIZE makes the pool larger", () => {
      expect([defaultAdapterConcurrency(8, "16"), defaultAdapterConcurrency(2, "16"), defaultAdapterConcurrency(8, "nonsense")]).to.deep.equal([8, 2, 2]);
    });

    it("take whole numbers from the environment", () => {
      expect(loadConfig({ KOOGATE_ADAPTER_CONCURRENCY: "8", KOOGATE_ADAPTER_WAIT_MS: "0" }, false)).to.include({ adapterConcurrency: 8, adapterWaitMs: 0 });
    });

    it("refuse a bound of zero adapter calls", () => {
      expect(() => loadConfig({ KOOGATE_ADAPTER_CONCURRENCY: "0" }, false)).to.throw(SetupError, /KOOGATE_ADAPTER_CONCURRENCY="0": must be a whole number from 1 to 1024/);
    });

    it("refuse a wait that leaves no time to answer within the deadline", () => {
      expect(() => loadConfig({ KOOGATE_ADAPTER_WAIT_MS: "5000" }, false)).to.throw(SetupError, /KOOGATE_ADAPTER_WAIT_MS="5000": must be a whole number from 0 to 4000/);
    });
  });

  describe("KOOGATE_TRUSTED_PROXIES", () => {
    it("trusts no proxy unless told", () => {
      expect(loadConfig({}, false).trustedProxies.trusts("127.0.0.1")).to.equal(false);
    });

    it("trusts the addresses and blocks it names", () => {
      const t = loadConfig({ KOOGATE_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8" }, false).trustedProxies;
      expect([t.trusts("127.0.0.1"), t.trusts("10.200.0.1"), t.trusts("11.0.0.1")]).to.deep.equal([true, true, false]);
    });
  });
});
