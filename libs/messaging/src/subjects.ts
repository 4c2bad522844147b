/** The product's subject root: every event and RPC subject starts with it. */
export const SUBJECT_ROOT = 'equihome';

/**
 * Maps logical subjects (`equihome.fund.created`) to the subjects used on the wire and back.
 * With a prefix `t1a2b` the wire subject is `t1a2b.fund.created`; without one they are equal.
 * Tests use a random prefix so that their streams and responders never collide.
 */
export class SubjectMapper {
  readonly prefix: string;
  constructor(prefix?: string) {
    if (prefix !== undefined && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
      throw new TypeError(`subjectPrefix must be dot-separated tokens of [A-Za-z0-9_-], got ${JSON.stringify(prefix)}`);
    }
    this.prefix = prefix ?? SUBJECT_ROOT;
  }

  /** Logical subject or pattern (`equihome.>`) → wire subject. */
  toWire(subject: string): string {
    if (subject === SUBJECT_ROOT) return this.prefix;
    if (subject.startsWith(`${SUBJECT_ROOT}.`)) return this.prefix + subject.slice(SUBJECT_ROOT.length);
    return subject;
  }

  /** Wire subject → logical subject (`equihome.…`). */
  toLogical(subject: string): string {
    if (subject === this.prefix) return SUBJECT_ROOT;
    if (subject.startsWith(`${this.prefix}.`)) return SUBJECT_ROOT + subject.slice(this.prefix.length);
    return subject;
  }
}
