/**
 * An event log whose consumer groups are renamed on the way in: how two command-centre nodes of one cluster each
 * read every record of a topic (a group of their own, `feed-alarms.hall-a`) where one group would split the topic's
 * partitions between them. Everything else is the wrapped log's, which the caller still closes.
 */
import type { Consumer, EventLog, Producer } from './event-log.js';

export class RenamedGroupsLog implements EventLog {
  constructor(
    private readonly log: EventLog,
    /** The name a group is read under; the identity for groups shared by the cluster. */
    private readonly rename: (groupId: string) => string,
  ) {}

  get kind(): EventLog['kind'] {
    return this.log.kind;
  }

  get epoch(): string {
    return this.log.epoch;
  }

  get partitionCount(): number {
    return this.log.partitionCount;
  }

  producer(): Producer {
    return this.log.producer();
  }

  consumer<T>(groupId: string, topic: string): Consumer<T> {
    return this.log.consumer<T>(this.rename(groupId), topic);
  }

  backlog(topic: string): number {
    return this.log.backlog(topic);
  }

  full(topic: string): boolean {
    return this.log.full(topic);
  }

  close(): Promise<void> {
    return this.log.close();
  }

  get endOffsets(): EventLog['endOffsets'] {
    return this.log.endOffsets?.bind(this.log);
  }

  get watermarks(): EventLog['watermarks'] {
    return this.log.watermarks?.bind(this.log);
  }

  get lag(): EventLog['lag'] {
    return this.log.lag?.bind(this.log);
  }

  get readSince(): EventLog['readSince'] {
    return this.log.readSince?.bind(this.log);
  }

  get tail(): EventLog['tail'] {
    return this.log.tail?.bind(this.log);
  }
}
