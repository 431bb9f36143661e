import type { StaffMember, StaffRole } from './config.js'

export interface Staff {
  id: string
  name: string
  alias?: string
  roles: StaffRole[]
  maxOpen?: number
  /** Category ids this agent takes; absent: every category. */
  skills?: string[]
  shift?: string
}

/**
 * Who is staff, by WeChat contact id. A customer whose display name equals a staff member's is still
 * a customer: names are only used to find staff ids at login and to let staff name each other.
 */
export class StaffDirectory {
  private readonly byId = new Map<string, Staff>()
  /** Entries configured by name or alias only, waiting for the channel to find their contact id. */
  readonly unresolved: StaffMember[] = []

  constructor(members: StaffMember[]) {
    this.replace(members)
  }

  /**
   * A new staff list takes effect at once: whoever is no longer on it is a customer from the next
   * message on. Names already resolved to ids stay resolved.
   */
  replace(members: StaffMember[]): void {
    const resolvedByName = new Map(this.all().map((staff) => [staff.name, staff.id]))
    this.byId.clear()
    this.unresolved.length = 0
    for (const member of members) {
      const known = member.id ?? resolvedByName.get(member.name ?? member.alias ?? '')
      if (known) this.add(member, known)
      else this.unresolved.push(member)
    }
  }

  /** Records the contact id found at login for a member configured by name or alias. */
  resolve(member: StaffMember, id: string): void {
    const index = this.unresolved.indexOf(member)
    if (index >= 0) this.unresolved.splice(index, 1)
    this.add(member, id)
  }

  get(id: string): Staff | undefined {
    return this.byId.get(id)
  }

  all(): Staff[] {
    return [...this.byId.values()]
  }

  withRole(role: StaffRole): Staff[] {
    return this.all().filter((staff) => staff.roles.includes(role))
  }

  /** Finds a colleague by id, name or alias as staff type it (`/transfer A17 小李`). */
  find(reference: string): Staff | undefined {
    const wanted = reference.trim().replace(/^@/, '').toLowerCase()
    const exact = this.byId.get(reference.trim())
    if (exact) return exact
    return this.all().find((staff) =>
      [staff.name, staff.alias, staff.id].some((known) => known?.toLowerCase() === wanted),
    )
  }

  nameOf(id: string | undefined): string {
    if (!id) return ''
    return this.byId.get(id)?.name ?? id
  }

  private add(member: StaffMember, id: string): void {
    this.byId.set(id, {
      id,
      name: member.name ?? member.alias ?? id,
      ...(member.alias ? { alias: member.alias } : {}),
      roles: member.roles,
      ...(member.maxOpen ? { maxOpen: member.maxOpen } : {}),
      ...(member.skills ? { skills: member.skills } : {}),
      ...(member.shift ? { shift: member.shift } : {}),
    })
  }
}

/** Supervisors and managers may see and move every conversation (invariant 7). */
export function oversees(staff: Staff): boolean {
  return staff.roles.includes('supervisor') || staff.roles.includes('manager')
}
