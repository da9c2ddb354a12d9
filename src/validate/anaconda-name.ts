/**
 * anaconda.org owner (user or organization) and label names. They go into request paths
 * (/dist/<owner>/..., the stage body's channels), so only the characters conda channel names allow are
 * accepted: ASCII letters, digits and '-', '_', '.' between them (conda CEP 26, "Channel names"), no '/',
 * no '..', no spaces.
 */
import { InputError } from '../errors.js'

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9])?$/

function check(input: string, value: string, what: string, example: string): string {
  if (!value) throw new InputError(input, `it is empty: give ${what} such as ${example}.`)
  if (!NAME.test(value) || value.includes('..')) {
    throw new InputError(
      input,
      `${JSON.stringify(value)} is not ${what}: use letters, digits and - _ . (not first or last, no '..', ` +
        `no '/', no spaces, at most 100 characters), e.g. ${example}.`
    )
  }
  return value
}

/** An anaconda.org user or organization (the nightly-channel and staging-channel inputs). */
export const anacondaOwner = (input: string, value: string): string =>
  check(input, value, 'an anaconda.org user or organization name', 'scipy-wheels-nightly')

/** One anaconda.org label (main, dev, ...). */
export const anacondaLabel = (input: string, value: string): string =>
  check(input, value, 'an anaconda.org label', 'main')
