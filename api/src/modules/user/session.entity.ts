import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { User } from "./user.entity";

/**
 * A signed-in session. Access tokens (short JWTs) name it (`sid`) and are refused once it is
 * revoked or expired; the refresh token that renews them is stored only as its SHA-256.
 */
@Entity("session")
export class Session {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index()
  @Column({ type: "uuid" })
  userId!: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  /** SHA-256 of the current refresh token; replaced on every refresh (rotation). */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 64 })
  refreshTokenHash!: string;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz" })
  refreshedAt!: Date;

  /** Unused for this long, the session ends; each refresh moves it on. */
  @Column({ type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  /** logout, password_changed, role_changed, deactivated... */
  @Column({ type: "varchar", length: 40, nullable: true })
  revokedReason!: string | null;
}

/** An admin-issued one-time code that lets a user set a new password; stored only as its SHA-256. */
@Entity("password_reset")
export class PasswordReset {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index()
  @Column({ type: "uuid" })
  userId!: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 64 })
  codeHash!: string;

  /** The admin who issued it. */
  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  usedAt!: Date | null;
}
