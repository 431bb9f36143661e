import type { InboundMessage } from '../../src/domain/inbound.js'

/** A customer's private text message as the channel hands it on, received now. */
export function customerText(
  id: string,
  from: InboundMessage['from'] = { id: 'cust-1', name: '张三' },
  text = id,
): InboundMessage {
  return { id, from, kind: 'text', text, receivedAt: Date.now() }
}
