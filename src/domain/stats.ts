import type { ConversationSummary, TranscriptEntry } from './transcript.js'

export interface AgentDayStats {
  agentId: string
  conversations: number
  overdue: number
}

export interface DayStats {
  conversations: number
  /** Median time from the first customer message to the first staff answer, of answered ones. */
  medianFirstResponseMs: number | undefined
  answered: number
  overdue: number
  perAgent: AgentDayStats[]
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** Today's figures from the conversations opened today and the overdue events recorded today. */
export function dayStats(conversations: ConversationSummary[], overdueEvents: TranscriptEntry[]): DayStats {
  const perAgent = new Map<string, AgentDayStats>()
  const forAgent = (agentId: string) => {
    let stats = perAgent.get(agentId)
    if (!stats) {
      stats = { agentId, conversations: 0, overdue: 0 }
      perAgent.set(agentId, stats)
    }
    return stats
  }
  const firstResponses: number[] = []
  for (const conversation of conversations) {
    if (conversation.firstResponseAt)
      firstResponses.push(conversation.firstResponseAt - conversation.openedAt)
    const agentId = conversation.firstResponderId ?? conversation.agentId
    if (agentId) forAgent(agentId).conversations++
  }
  for (const event of overdueEvents) {
    const agentId = event.kind === 'event' ? event.data.agentId : undefined
    forAgent(typeof agentId === 'string' && agentId ? agentId : '').overdue++
  }
  return {
    conversations: conversations.length,
    medianFirstResponseMs: median(firstResponses),
    answered: firstResponses.length,
    overdue: overdueEvents.length,
    perAgent: [...perAgent.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)),
  }
}
