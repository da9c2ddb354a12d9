/** "3.11" → "cp311": a CPython minor version as wheel tags spell its interpreter and ABI (PEP 425). */
export const cpythonTag = (version: string): string => `cp${version.replace('.', '')}`
