/** The User-Agent of the release's requests to the index (no "twine" in it: pypiserver answers twine differently). */
export const USER_AGENT = 'dipy-wheels-action/0.1 (+https://github.com/dipy/dipy-wheels; release)'
