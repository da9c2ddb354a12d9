/**
 * The fake S3 endpoint's streaming multipart parser: the same parts and file hashes however the body is cut
 * into chunks (a delimiter split across chunks, one byte at a time), and the malformed bodies refused.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MultipartParser, parseMultipartBuffer } from '../servers/anaconda/multipart.js'

const CT = 'multipart/form-data; boundary=XyZ'
const part = (name: string, value: string): string =>
  `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
// File bytes that look like delimiters: CR LF, `--XyZ` without CR LF, a partial `\r\n--Xy`.
const FILE = Buffer.from('\r\n--Xy\r\n-\r\n--X--XyZ\r\n\r\nend\r\n--')
const BODY = Buffer.concat([
  Buffer.from(part('key', 'k/1') + part('Content-MD5', 'abc==')),
  Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.whl"\r\n\r\n'),
  FILE,
  Buffer.from('\r\n--XyZ--\r\n')
])

function parseInChunks(body: Buffer, cuts: number[]) {
  const p = new MultipartParser(CT)
  let at = 0
  for (const c of [...cuts, body.length]) {
    p.write(body.subarray(at, c))
    at = c
  }
  return p.finish()
}

describe('MultipartParser', () => {
  const expected = [
    { name: 'key', data: 'k/1' },
    { name: 'Content-MD5', data: 'abc==' },
    { name: 'file', data: FILE.toString('latin1') }
  ]
  const view = (parts: ReturnType<typeof parseInChunks>) =>
    parts.map((p) => ({ name: p.name, data: p.data.toString('latin1') }))

  it('parses the whole body at once, hashing the file part', () => {
    const parts = parseMultipartBuffer(BODY, CT)
    expect(view(parts)).toEqual(expected)
    const file = parts[2]
    expect(file.filename).toBe('a.whl')
    expect(file.md5!.toString('base64')).toBe(createHash('md5').update(FILE).digest('base64'))
    expect(file.sha256).toBe(createHash('sha256').update(FILE).digest('hex'))
    expect(parts[0].md5).toBeUndefined()
  })

  it('gives the same parts for every cut into two and three chunks, and byte by byte', () => {
    for (let i = 0; i <= BODY.length; i++) {
      expect(view(parseInChunks(BODY, [i])), `cut at ${i}`).toEqual(expected)
      for (let j = i; j <= BODY.length; j += 7) expect(view(parseInChunks(BODY, [i, j]))).toEqual(expected)
    }
    const bytes = Array.from({ length: BODY.length }, (_, i) => i)
    const parts = parseInChunks(BODY, bytes)
    expect(view(parts)).toEqual(expected)
    expect(parts[2].sha256).toBe(createHash('sha256').update(FILE).digest('hex'))
  })

  it('refuses bodies that are not well-formed', () => {
    const bad = (body: string, ct = CT): string => {
      try {
        parseMultipartBuffer(Buffer.from(body), ct)
        return 'parsed'
      } catch (err) {
        return (err as Error).message
      }
    }
    expect(bad(part('a', '1'), 'text/plain')).toMatch(/not well-formed/)
    expect(bad('no boundary here')).toBe('multipart boundary not found')
    expect(bad('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n')).toBe('unterminated part headers')
    expect(bad(part('a', '1').slice(0, -2))).toBe('unterminated multipart body')
    expect(bad('--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--')).toBe('part without a name')
    expect(bad('--XyZxx')).toBe('bad delimiter line')
    expect(bad(`${part('a', '1')}--XyZ`)).toBe('bad delimiter line')
    expect(bad(`${part('a', '1')}--XyZ--`)).toBe('parsed')
  })
})
