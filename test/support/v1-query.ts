/** A 1.0 query as KooGallery sends it: values URL-encoded, authToken over the decoded values, timeStamp now. */
import { signAuthToken } from "../../core/signing/auth-token.js";
import { TEST_KEY } from "./client.js";

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:TZ.]/g, "");

export function v1Query(params: Record<string, string>, key = TEST_KEY, nowMs = Date.now()): string {
  const all = { timeStamp: stamp(nowMs), testFlag: "0", ...params };
  const token = signAuthToken({ accessKey: key, timeStamp: all.timeStamp, params: Object.entries(all) });
  return [...Object.entries(all), ["authToken", token]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
}
