/** The three difficulties as a labelled select (the console's, a schedule's, the leaderboard's filter with "all"). */
export function DifficultySelect({ value, onChange, anyLabel }: { value: string; onChange: (difficulty: string) => void; anyLabel?: string }) {
  return (
    <label>
      Difficulty{' '}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        <option value="easy">easy</option>
        <option value="normal">normal</option>
        <option value="hard">hard</option>
      </select>
    </label>
  );
}
