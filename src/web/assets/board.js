// The board page: the server renders every row (src/web/board-view.ts) and sends them again on
// /events whenever what they show changes; this script puts them in place and, between events,
// counts the time on the server's clock: each wait, each countdown to the next ladder step, and a
// row's level once its warning or overdue instant passes. No framework, no eval, no inline script
// (the console's CSP forbids both).
;(() => {
  const board = document.getElementById('board')
  if (!board) return
  const words = board.dataset
  const status = board.querySelector('[data-board-status]')
  const TABLES = ['waiting', 'queue', 'agents', 'groups']
  const LEVEL_WORDS = { ok: words.textOk, warning: words.textWarning, overdue: words.textOverdue }
  /** The server's clock minus this browser's: the rows' instants are the server's. */
  let offset = Number(words.now) - Date.now()

  /** `04:59`, `1:02:03`, as the server writes them. */
  function clockText(ms) {
    const total = Math.max(0, Math.floor(ms / 1000))
    const h = Math.floor(total / 3600)
    const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0')
    const ss = String(total % 60).padStart(2, '0')
    return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
  }

  /** A countdown reads `00:01` until its instant, and `00:00` only once it has come. */
  function countdownText(ms) {
    return clockText(Math.ceil(ms / 1000) * 1000)
  }

  /** An instant from a data attribute; null where the row has none. */
  function instant(value) {
    return value ? Number(value) : null
  }

  function levelAt(now, warningAt, overdueAt) {
    if (overdueAt !== null && now >= overdueAt) return 'overdue'
    if (warningAt !== null && now >= warningAt) return 'warning'
    return 'ok'
  }

  function tick() {
    const now = Date.now() + offset
    for (const row of board.querySelectorAll('tr[data-since]')) {
      const waited = row.querySelector('[data-waited]')
      if (waited) waited.textContent = clockText(now - Number(row.dataset.since))
      const countdown = row.querySelector('[data-countdown]')
      if (!countdown) continue
      const overdueAt = instant(row.dataset.overdueAt)
      const nextAt = instant(row.dataset.nextAt)
      const level = levelAt(now, instant(row.dataset.warningAt), overdueAt)
      if (row.dataset.level !== level) {
        row.dataset.level = level
        row.className = `level-${level}`
        const word = row.querySelector('[data-level-text]')
        if (word) word.textContent = LEVEL_WORDS[level]
      }
      if (level === 'overdue') {
        countdown.textContent = words.textOverdueBy.replace('{time}', clockText(now - overdueAt))
      } else {
        countdown.textContent = nextAt === null ? '' : countdownText(nextAt - now)
      }
    }
  }

  function show(state) {
    if (!status) return
    status.dataset.state = state
    status.textContent = words[`text${state[0].toUpperCase()}${state.slice(1)}`]
  }

  /** An event's rows in place: they were escaped on the server, like the page's first view. */
  function render(event) {
    const { snapshot, html } = JSON.parse(event.data)
    offset = snapshot.now - Date.now()
    for (const name of TABLES) {
      const body = board.querySelector(`table[data-board="${name}"] tbody`)
      if (body) body.innerHTML = html[name]
    }
    const today = board.querySelector('[data-board="today"]')
    if (today) today.innerHTML = html.today
    tick()
  }

  const source = new EventSource('/events')
  source.addEventListener('board', (event) => {
    render(event)
    show('live')
  })
  source.addEventListener('open', () => show('live'))
  // The browser reconnects by itself; a stream it gives up on (the session ended) stays closed.
  source.addEventListener('error', () =>
    show(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting'),
  )
  setInterval(tick, 1000)
  tick()
})()
