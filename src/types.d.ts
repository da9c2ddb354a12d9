declare module '*.yml' {
  const text: string
  export default text
}
declare module '*.txt' {
  const text: string
  export default text
}
declare module '*.py' {
  const text: string
  export default text
}
