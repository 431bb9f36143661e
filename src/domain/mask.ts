/**
 * Customer data is confidential: alerts, listings for supervisors and logs show it masked (phone,
 * ID-card and bank-card numbers, e-mail and street addresses).
 * Order matters: the longest digit runs (ID cards, bank cards) are masked before phone numbers.
 */
const ID_CARD = /(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?![\dXx])/g
const BANK_CARD = /(?<!\d)\d{12,15}(\d{4})(?!\d)/g
const MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g
/**
 * A Chinese street address: the administrative part (省/市/区/县…) stays, so staff still see the
 * region; the street, number, building and room go. Matching only where a street-level word follows
 * keeps "我在北京市" untouched.
 */
const ADDRESS =
  /((?:[\u4e00-\u9fa5]{1,8}?(?:省|自治区|特别行政区|市|区|县|旗|州)){1,3})[\u4e00-\u9fa5A-Za-z0-9#\-－]{0,30}?(?:路|街|大道|道|巷|弄|胡同|村|镇|乡|号|楼|栋|幢|单元|室|院|园|小区|大厦)[\u4e00-\u9fa5A-Za-z0-9#\-－]*/g

export function maskPersonalData(text: string): string {
  return text
    .replace(ID_CARD, (_, head: string, tail: string) => `${head}${'*'.repeat(10)}${tail}`)
    .replace(BANK_CARD, (_, tail: string) => `****${tail}`)
    .replace(MOBILE, (_, head: string, tail: string) => `${head}****${tail}`)
    .replace(EMAIL, (_, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ADDRESS, (_, region: string) => `${region}****`)
}

/** Keeps the first character of a name: enough for staff to tell customers apart. */
export function maskName(name: string): string {
  const characters = [...name.trim()]
  if (characters.length === 0) return '*'
  return `${characters[0]}${'*'.repeat(Math.min(Math.max(characters.length - 1, 1), 3))}`
}

/** The start of a message for an alert or a listing, masked and on one line. */
export function preview(text: string, length = 30): string {
  return clip(maskPersonalData(text), length)
}

/** The start of a text on one line, as it stands: `preview` for whoever may read it unmasked. */
export function clip(text: string, length = 30): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const characters = [...flat]
  return characters.length > length ? `${characters.slice(0, length).join('').trimEnd()}…` : flat
}
