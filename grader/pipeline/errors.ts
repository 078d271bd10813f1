/**
 * How a stage says a submission cannot go on. Anything else a stage throws is treated as transient
 * (retried with backoff; when the attempts run out the submission fails as an infrastructure error and
 * its quota is refunded).
 */
export class StageStop extends Error {
  override name = 'StageStop';
  /**
   * @param outcome `rejected`: the learner's file is at fault (quota stays charged, the reason says
   *   how to fix it); `failed`: our side or the challenge setup is at fault (quota refunded).
   */
  constructor(
    readonly outcome: 'rejected' | 'failed',
    message: string,
  ) {
    super(message);
  }
}
