/**
 * The tsconfig.json that applies to a file, read and parsed once per config file, for the hosts that
 * compile one file at a time without a program (the `ts-mprof run` loader, the Vite plugin). Each
 * host decides what a broken config means to it and which options it keeps.
 */
import * as path from 'path';
import type * as ts from 'typescript';

export interface ProjectConfig {
  /** Why the file could not be read as JSON at all; its options are then empty. */
  readonly readError: ts.Diagnostic | undefined;
  readonly options: ts.CompilerOptions;
  /** What parsing the config found wrong ("no inputs were found", unknown options, ...). */
  readonly errors: readonly ts.Diagnostic[];
}

const configs = new Map<string, ProjectConfig>();

/** The tsconfig.json nearest above the file, or undefined when there is none. */
export function nearestConfigFile(tsi: typeof ts, file: string): string | undefined {
  return tsi.findConfigFile(path.dirname(file), tsi.sys.fileExists);
}

export function readProjectConfig(tsi: typeof ts, configFile: string): ProjectConfig {
  let config = configs.get(configFile);
  if (config === undefined) {
    const read = tsi.readConfigFile(configFile, tsi.sys.readFile);
    if (read.error) {
      config = { readError: read.error, options: {}, errors: [] };
    } else {
      const parsed = tsi.parseJsonConfigFileContent(read.config, tsi.sys, path.dirname(configFile), undefined, configFile);
      config = { readError: undefined, options: parsed.options, errors: parsed.errors };
    }
    configs.set(configFile, config);
  }
  return config;
}
