import { Redis } from 'ioredis'
import { sleep } from '../../src/demo/wait.js'
import { RedisServer } from '../faults/redis-server.js'
import { LaggingLink } from './lagging-link.js'

/** A master and its replica on loopback ports, the replica `linkMs` away through a LaggingLink. */
export interface ReplicatedPair {
  master: RedisServer
  replica: RedisServer
  link: LaggingLink | undefined
  close(): Promise<void>
}

export async function startReplicatedPair(linkMs = 0): Promise<ReplicatedPair> {
  // Redis waits 5 s by default before a replica's first sync, for more replicas to join it.
  const fast = ['--repl-diskless-sync-delay', '0']
  const master = await RedisServer.start(fast)
  const link = linkMs > 0 ? await LaggingLink.start(master.port, linkMs) : undefined
  const replica = await RedisServer.start([
    ...fast,
    '--replicaof',
    '127.0.0.1',
    String(link?.port ?? master.port),
  ])
  return {
    master,
    replica,
    link,
    close: async () => {
      await Promise.all([replica.close(), link?.close(), master.close()])
    },
  }
}

/**
 * Resolves once the replica has finished its first sync. A replica promoted before that is empty:
 * a failover test must not kill its master sooner.
 */
export async function replicaSynced(replica: RedisServer, timeoutMs = 20_000): Promise<void> {
  const probe = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 })
  probe.on('error', () => undefined)
  const deadline = Date.now() + timeoutMs
  try {
    while (!(await probe.info('replication')).includes('master_link_status:up')) {
      if (Date.now() > deadline)
        throw new Error(`the replica on ${replica.port} did not sync in ${timeoutMs} ms`)
      await sleep(50)
    }
  } finally {
    probe.disconnect()
  }
}
