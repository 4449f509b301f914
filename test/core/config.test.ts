import { expect } from "chai";
import { loadConfig } from "../../core/config.js";
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
      expect(() => loadConfig({ KOOGATE_LOG_FORMAT: "xml" }, false)).to.throw(SetupError, /KOOGATE_LOG_FORMAT must be one of json, pretty, not "xml"/);
    });
  });
});
