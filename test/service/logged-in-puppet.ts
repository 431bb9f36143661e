import { mock, PuppetMock } from 'wechaty-puppet-mock'

/**
 * A WeChat for `kefu start` run as a real process: `WECHATY_PUPPET=<this compiled file>`. Wechaty
 * builds it from the name, so it makes its own mock world, where the bot's account logs in as soon
 * as the puppet starts (a bare `wechaty-puppet-mock` never logs in, and the bot waits for a login).
 */
export default class LoggedInPuppet extends PuppetMock {
  constructor(options: ConstructorParameters<typeof PuppetMock>[0] = {}) {
    const mocker = new mock.Mocker()
    const account = mocker.createContact({ id: 'bot-account', name: '客服机器人' })
    mocker.use((world) => {
      world.login(account)
      return () => undefined
    })
    super({ ...options, mocker })
  }
}
