"""Operations: diagnosis (doctor)."""
