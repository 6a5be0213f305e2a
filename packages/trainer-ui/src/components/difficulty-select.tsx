/** The three difficulties as a labelled select (the lobby's, the console's, a schedule's). */
export function DifficultySelect({ value, onChange }: { value: string; onChange: (difficulty: string) => void }) {
  return (
    <label>
      Difficulty{' '}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="easy">easy</option>
        <option value="normal">normal</option>
        <option value="hard">hard</option>
      </select>
    </label>
  );
}
