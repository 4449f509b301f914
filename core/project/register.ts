/**
 * Registers adapter classes in a container under `adapter:<ClassName>`. A class decorated with
 * tsyringe's `@injectable()` (TypeScript with decorator metadata) is built by tsyringe; a plain class
 * (JavaScript, or TypeScript without decorators) lists its constructor's dependencies as
 * `static inject = [DATABASE, LOGGER]` and koogate passes them in that order. Either way one instance
 * serves every product naming the class, for the life of the server.
 */
import { instanceCachingFactory, Lifecycle, type DependencyContainer, type InjectionToken } from "tsyringe";
import type { AdapterClass } from "../adapters.js";
import { SetupError } from "../errors.js";
import { adapterToken } from "../kernel.js";
import { injectList } from "./adapter-modules.js";

/**
 * @returns the classes by name, as the product loader wants them
 * @throws SetupError when two classes share a name
 */
export function registerAdapters(container: DependencyContainer, classes: readonly AdapterClass[]): Map<string, AdapterClass> {
  const byName = new Map<string, AdapterClass>();
  for (const cls of classes) {
    if (byName.has(cls.name)) throw new SetupError(`two adapter classes are named ${cls.name} (in the adapter modules your koogate config lists); rename one`);
    byName.set(cls.name, cls);
    const deps = injectList(cls);
    if (deps) {
      const make = cls as unknown as new (...args: unknown[]) => unknown;
      container.register(adapterToken(cls.name), { useFactory: instanceCachingFactory((c) => new make(...deps.map((t) => c.resolve(t as InjectionToken)))) });
    } else {
      container.register(adapterToken(cls.name), { useClass: cls as unknown as new () => unknown }, { lifecycle: Lifecycle.ContainerScoped });
    }
  }
  return byName;
}
