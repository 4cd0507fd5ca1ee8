/**
 * Versions of the rules configuration, one JSON file per version under `<data-dir>/rules/config/`
 * (`v000001.json` …), written atomically and never edited. The newest valid version is the one that runs; a
 * newer file that does not validate (edited by hand) is reported and skipped, so the last good one keeps
 * running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/atomic-file.js';
import type { AnyRule } from '../engine/rule.js';
import { describeProblem, type ConfigProblem } from './config-spec.js';
import { checkRulesConfig, defaultRulesConfig, withFieldsAddedSince, type RulesConfig } from './rules-config.js';

export interface RulesConfigVersion {
  version: number;
  saved_at: number;
  saved_by: string;
  comment: string;
  config: RulesConfig;
}

/** A version as the history lists it: who saved it, when, why, and how many zones it holds. */
export interface RulesConfigSummary {
  version: number;
  saved_at: number;
  saved_by: string;
  comment: string;
  zones: number;
}

/** Versions one history answer lists at most (each is a file read). */
export const HISTORY_MAX = 100;

function summaryOf(v: RulesConfigVersion): RulesConfigSummary {
  const zones = Array.isArray(v.config?.zones) ? v.config.zones.length : 0;
  return { version: v.version, saved_at: v.saved_at, saved_by: v.saved_by, comment: v.comment, zones };
}

export class RulesConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      problems.slice(0, 5).map(describeProblem).join('; ') +
        (problems.length > 5 ? `; and ${problems.length - 5} more` : ''),
    );
  }
}

const FILE_PATTERN = /^v(\d{6,})\.json$/;

export class RulesConfigStore {
  private currentVersion: RulesConfigVersion;
  /** Highest version number on disk, valid or not, so a new version never overwrites a file. */
  private highestVersion = 0;
  /** Versions found on disk that failed validation, with why: for the start-up log. */
  readonly skipped: { file: string; reason: string }[] = [];
  /** Without a directory: the defaults and the versions saved in this process, newest last. */
  private readonly savedInMemory: RulesConfigSummary[] = [];
  /** Fields the loaded version lacked (saved before they existed) and now run with their defaults. */
  filled: { file: string; keys: string[] } | undefined;

  /** `dir` undefined keeps versions in memory only (tests, benchmarks). */
  constructor(
    private readonly rules: readonly AnyRule[],
    private readonly dir?: string,
  ) {
    this.currentVersion = this.loadNewestValid() ?? {
      version: 1,
      saved_at: 0,
      saved_by: 'system',
      comment: 'defaults',
      config: defaultRulesConfig(rules),
    };
    if (!dir) this.savedInMemory.push(summaryOf(this.currentVersion));
  }

  current(): RulesConfigVersion {
    return this.currentVersion;
  }

  /** Validates and stores a new version; throws `RulesConfigError` (nothing stored) when invalid. */
  save(candidate: unknown, savedBy: string, comment = ''): RulesConfigVersion {
    const problems = checkRulesConfig(candidate, this.rules);
    if (problems.length > 0) throw new RulesConfigError(problems);
    const next: RulesConfigVersion = {
      version: Math.max(this.currentVersion.version, this.highestVersion) + 1,
      saved_at: Date.now(),
      saved_by: savedBy,
      comment,
      config: structuredClone(candidate as RulesConfig),
    };
    if (this.dir)
      writeFileAtomic(
        path.join(this.dir, `v${String(next.version).padStart(6, '0')}.json`),
        `${JSON.stringify(next, null, 2)}\n`,
      );
    else this.savedInMemory.push(summaryOf(next));
    this.currentVersion = next;
    return next;
  }

  /**
   * The stored versions, newest first, at most `limit` (≤ HISTORY_MAX): read back from their files, so the list
   * is the one on disk, including versions that were refused at start-up (they are still history) but not files
   * that no longer parse.
   */
  history(limit: number): RulesConfigSummary[] {
    const count = Math.max(1, Math.min(HISTORY_MAX, Math.floor(limit)));
    if (!this.dir) {
      return [...this.savedInMemory].reverse().slice(0, count);
    }
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => FILE_PATTERN.test(f));
    } catch {
      files = [];
    }
    files.sort().reverse();
    const out: RulesConfigSummary[] = [];
    for (const file of files) {
      if (out.length >= count) break;
      try {
        out.push(summaryOf(JSON.parse(readFileSync(path.join(this.dir, file), 'utf8')) as RulesConfigVersion));
      } catch {
        // An unreadable file is reported at start-up (`skipped`); the history lists what can be read.
      }
    }
    // The built-in defaults are version 1 without a file until someone saves.
    if (out.length === 0) out.push(summaryOf(this.currentVersion));
    return out;
  }

  private loadNewestValid(): RulesConfigVersion | undefined {
    if (!this.dir) return undefined;
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => FILE_PATTERN.test(f));
    } catch {
      return undefined;
    }
    files.sort().reverse();
    if (files.length > 0) this.highestVersion = Number(FILE_PATTERN.exec(files[0])?.[1]);
    for (const file of files) {
      try {
        const doc = JSON.parse(readFileSync(path.join(this.dir, file), 'utf8')) as RulesConfigVersion;
        const upgraded = withFieldsAddedSince(doc.config, this.rules);
        const problems = checkRulesConfig(upgraded.config, this.rules);
        if (problems.length > 0) throw new RulesConfigError(problems);
        if (doc.version !== Number(FILE_PATTERN.exec(file)?.[1]))
          throw new Error(`version ${doc.version} does not match the file name`);
        if (upgraded.filled.length > 0) this.filled = { file, keys: upgraded.filled };
        return { ...doc, config: upgraded.config as RulesConfig };
      } catch (error) {
        this.skipped.push({ file, reason: (error as Error).message });
      }
    }
    return undefined;
  }
}
