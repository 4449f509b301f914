/**
 * Imports the adapter modules a merchant's config names and collects the adapter classes they export:
 * every exported class with a static `kind`. Each class is checked here, where its module can be named:
 * of a registered kind, with every method of that kind, with constructor dependencies koogate can supply.
 */
import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AdapterClass } from "../adapters.js";
import { SetupError } from "../errors.js";
import type { Kind } from "../kinds/kind.js";
import { firstLine, shown, type ProjectConfigFile } from "../settings/project-file.js";
import { withArticle } from "../article.js";

/** An adapter class and the module that exports it. */
export interface FoundAdapter {
  cls: AdapterClass;
  /** the module as the merchant's config names it */
  module: string;
}

/** A module of the config and the classes it exports, for messages. */
export interface AdapterModule {
  module: string;
  exports: string[];
}

/**
 * Imports every module of `config.settings.adapters`, in order.
 * @throws SetupError naming the config file (a missing or failing module) or the module (a bad class)
 */
export async function importAdapters(config: ProjectConfigFile, kinds: readonly Kind[]): Promise<{ adapters: FoundAdapter[]; modules: AdapterModule[] }> {
  const adapters: FoundAdapter[] = [];
  const modules: AdapterModule[] = [];
  const list = config.settings.adapters ?? [];
  for (const [i, module] of list.entries()) {
    const at = `${config.at}/adapters/${i}`;
    const label = config.label;
    if (typeof module === "function") {
      // a class the config imported itself (koogate.config.ts/.js)
      if (!isAdapterClass(module)) throw new SetupError(`${(module as { name?: string }).name || "this entry"} is not an adapter class: it has no static kind`, label, at);
      checkClass(module, kinds, label);
      modules.push({ module: module.name, exports: [module.name] });
      adapters.push({ cls: module, module: module.name });
      continue;
    }
    const file = resolve(config.root, module);
    if ([".ts", ".mts", ".cts"].includes(extname(file))) {
      throw new SetupError(`${module} is TypeScript; koogate imports your build's JavaScript: name the compiled file (like dist/adapters/notes.js) and run your build (npm run build)`, label, at);
    }
    if (!existsSync(file)) {
      throw new SetupError(`adapter module ${module} does not exist (${shown(file)}); run your build (npm run build), or fix the path`, label, at);
    }
    let exported: Record<string, unknown>;
    try {
      exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      throw new SetupError(`importing adapter module ${module} failed: ${firstLine(e)}; fix the module (and rebuild)`, label, at);
    }
    const classes = Object.values(exported).filter(isAdapterClass);
    modules.push({ module, exports: classes.map((c) => c.name) });
    for (const cls of classes) {
      checkClass(cls, kinds, shown(file));
      adapters.push({ cls, module });
    }
  }
  return { adapters, modules };
}

/** A class (a function with a prototype) with a static string `kind`. */
function isAdapterClass(x: unknown): x is AdapterClass {
  return typeof x === "function" && typeof (x as { prototype?: unknown }).prototype === "object" && typeof (x as { kind?: unknown }).kind === "string";
}

/** Constructor dependencies declared by a plain class: `static inject = [DATABASE, LOGGER]`. */
export function injectList(cls: AdapterClass): readonly unknown[] | undefined {
  return (cls as unknown as { inject?: readonly unknown[] }).inject;
}

function checkClass(cls: AdapterClass, kinds: readonly Kind[], file: string): void {
  const kind = kinds.find((k) => k.name === cls.kind);
  if (!kind) {
    throw new SetupError(`adapter ${cls.name} declares kind "${cls.kind}", which is not registered; use one of ${kinds.map((k) => k.name).join(", ")}`, file);
  }
  const proto = cls.prototype as Record<string, unknown>;
  // methods that depend on the definition (a License listing's variant) are checked per product by the loader
  const required = typeof kind.adapterMethods === "function" ? [] : kind.adapterMethods;
  const missing = required.filter((m) => typeof proto[m] !== "function");
  if (missing.length > 0) {
    throw new SetupError(`adapter ${cls.name} has no method ${missing.join(", ")}; ${withArticle(kind.name)} adapter implements ${required.join(", ")}`, file);
  }
  const inject = injectList(cls);
  if (inject !== undefined && (!Array.isArray(inject) || inject.some((t) => t === undefined || t === null))) {
    throw new SetupError(`adapter ${cls.name}: static inject must list the constructor's dependencies in order, like [DATABASE, LOGGER] (imported from "koogate")`, file);
  }
  const decorated = typeof Reflect.getMetadata === "function" && Reflect.getMetadata("design:paramtypes", cls) !== undefined;
  if (inject === undefined && cls.length > 0 && !decorated) {
    throw new SetupError(
      `adapter ${cls.name}'s constructor takes ${cls.length} parameter${cls.length === 1 ? "" : "s"} and koogate cannot tell what to pass; ` +
        `declare them with static inject = [DATABASE, LOGGER] (tokens imported from "koogate", in the constructor's order), or decorate the class with @injectable() from "koogate"`,
      file,
    );
  }
}
